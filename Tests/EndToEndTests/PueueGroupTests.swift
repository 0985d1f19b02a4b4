import Foundation
import MarianneProtocol
import MarianneTestSupport
import Testing

/// Groups: each runs at most `parallel` jobs at once; `mzt parallel` changes that while
/// jobs wait, without a restart; named groups survive one.
@Suite(.serialized)
struct PueueGroupTests {
    /// Waits until `count` files exist in `directory` named `started-*`.
    func started(_ directory: String) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix("started-") }.count
    }

    @Test func aGroupLimitsItsJobsAndParallelChangesItAtRunTime() async throws {
        let fx = try await JobFixture()
        let ws = fx.workspace("g")
        try FileManager.default.createDirectory(atPath: ws, withIntermediateDirectories: true)
        let added = try await fx.mzt("group", "add", "gpu", "--parallel", "1")
        #expect(added.exitCode == 0, "\(added.stderr)")
        #expect(try await fx.mzt("group", "add", "gpu").exitCode == 65)
        for n in 1...3 {
            let result = try await fx.mzt("add", "--id", "g\(n)", "--group", "gpu", "--workspace", ws, "--", "touch started-\(n); while [ ! -e go ]; do sleep 0.05; done")
            #expect(result.exitCode == 0, "\(result.stderr)")
        }
        #expect(try await CLI.add(fx, "--group", "nosuch", "--", "true").exitCode == 65)
        try await Poll.until(timeout: 20) { self.started(ws) == 1 }
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(started(ws) == 1)
        let groups = try await fx.mzt("group", "list", "--json")
        let parsed = try JSONDecoder.wire.decode(GroupListResult.self, from: Data(groups.stdout.utf8))
        #expect(parsed.groups.first { $0.name == "gpu" } == GroupInfo(name: "gpu", parallel: 1, running: 1, pending: 2))
        // Other groups are not held back by this one.
        #expect(try await CLI.add(fx, "--id", "free", "--wait", "--", "true").exitCode == 0)

        #expect(try await fx.mzt("parallel", "3", "--group", "gpu").exitCode == 0)
        try await Poll.until(timeout: 20) { self.started(ws) == 3 }
        #expect(try await fx.mzt("group", "remove", "gpu").exitCode == 65)
        FileManager.default.createFile(atPath: ws + "/go", contents: nil)
        #expect(try await fx.mzt("wait", "g1", "g2", "g3").exitCode == 0)

        // The group and its parallelism survive a restart of the conductor.
        #expect(try await fx.mzt("restart", "--yes").exitCode == 0)
        let after = try JSONDecoder.wire.decode(GroupListResult.self, from: Data(try await fx.mzt("group", "--json").stdout.utf8))
        #expect(after.groups.first { $0.name == "gpu" }?.parallel == 3)
        #expect(try await fx.mzt("group", "remove", "gpu").exitCode == 0)
    }

    @Test func parallelChangesTheDefaultGroup() async throws {
        let fx = try await JobFixture(settings: "max_concurrent_jobs: 1\n")
        let ws = fx.workspace("d")
        try FileManager.default.createDirectory(atPath: ws, withIntermediateDirectories: true)
        for n in 1...2 {
            #expect(try await fx.mzt("add", "--id", "d\(n)", "--workspace", ws, "--", "touch started-\(n); while [ ! -e go ]; do sleep 0.05; done").exitCode == 0)
        }
        try await Poll.until(timeout: 20) { self.started(ws) == 1 }
        #expect(try await fx.mzt("parallel", "2").exitCode == 0)
        try await Poll.until(timeout: 20) { self.started(ws) == 2 }
        FileManager.default.createFile(atPath: ws + "/go", contents: nil)
        #expect(try await fx.mzt("wait", "--all").exitCode == 0)
    }

    /// A job queued after another keeps waiting across a restart of the conductor.
    @Test func holdsSurviveARestart() async throws {
        let fx = try await JobFixture()
        let ws = fx.workspace("r")
        try FileManager.default.createDirectory(atPath: ws, withIntermediateDirectories: true)
        #expect(try await fx.mzt("add", "--id", "base", "--workspace", ws, "--", "while [ ! -e go ]; do sleep 0.05; done").exitCode == 0)
        #expect(try await fx.mzt("add", "--id", "next", "--workspace", ws, "--after", "base", "--", "echo next > next.txt").exitCode == 0)
        try await fx.waitForStatus("base") { $0.job.status == .running }
        #expect(try await fx.mzt("stop", "--yes").exitCode == 0)
        try await fx.conductor.restart()
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(try await fx.status("next").job.status == .pending)
        #expect(try await fx.status("next").job.after == ["base"])
        FileManager.default.createFile(atPath: ws + "/go", contents: nil)
        #expect(try await fx.mzt("wait", "base", "next").exitCode == 0)
        #expect(JobFixture.lines(ws + "/next.txt") == ["next"])
    }
}
