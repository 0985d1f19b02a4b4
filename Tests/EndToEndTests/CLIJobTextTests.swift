import Foundation
import MarianneCore
import MarianneProtocol
import MarianneTestSupport
import Testing

/// What `mzt` says about jobs: a finished id is not silently replaced, two jobs in one
/// workspace are pointed out, times count what they say, and the texts are right.
@Suite(.serialized)
struct CLIJobTextTests {
    func quick(_ fx: JobFixture, _ name: String, workspace: String? = nil, extra: String = "") throws -> String {
        try fx.score(name, """
            name: \(name)
            workspace: \(workspace ?? "./\(name)-ws")
            sheet: {size: 1, total_items: 1}
            backend: {type: command}
            prompt: {template: "echo done"}
            \(extra)
            """)
    }

    @Test func aFinishedIDIsRefusedWithHintsUnlessReplaced() async throws {
        let fx = try await JobFixture()
        let path = try quick(fx, "again")
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        let before = try await fx.mzt("logs", "again")
        let refused = try await fx.mzt("submit", path)
        #expect(refused.exitCode == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("already exists (completed)"))
        #expect(refused.stderr.contains("--replace") && refused.stderr.contains("--id"))
        // Nothing was replaced: the old log is still there.
        #expect(try await fx.mzt("logs", "again").stdout == before.stdout)
        let replaced = try await fx.mzt("submit", path, "--replace", "--wait")
        #expect(replaced.exitCode == 0, "\(replaced.stderr)")
        #expect(try await fx.mzt("submit", path, "--id", "again-2", "--wait").exitCode == 0)
    }

    /// One sheet is "1 sheet"; a running job's refusal points at waiting for it, not at
    /// resuming it (only a paused one is resumed).
    @Test func queuedAndAlreadyRunningTextsSayWhatIsTrue() async throws {
        let fx = try await JobFixture()
        #expect(try await CLI.submit(fx, "one", "while [ ! -e go ]; do sleep 0.05; done").exitCode == 0)
        let log = try await fx.mzt("logs", "one")
        #expect(log.stdout.contains("job queued (1 sheet)"), "\(log.stdout)")
        let again = try await CLI.submit(fx, "one", "true")
        #expect(again.exitCode == 1)
        #expect(again.stderr.contains("mzt wait one") && !again.stderr.contains("mzt resume one"), "\(again.stderr)")
        // Paused while its sheet runs (a pause that comes while the job is starting waits for
        // the next sheet boundary, which this sheet never reaches).
        try await fx.waitForStatus("one") { $0.sheets.first?.status == .running }
        #expect(try await fx.mzt("pause", "one", "--now").exitCode == 0)
        let paused = try await CLI.submit(fx, "one", "true")
        #expect(paused.stderr.contains("mzt resume one"), "\(paused.stderr)")
        #expect(try await fx.mzt("cancel", "one").exitCode == 0)
    }

    @Test func twoActiveJobsInOneWorkspaceAreWarnedAbout() async throws {
        let fx = try await JobFixture()
        let shared = fx.workspace("shared")
        let slow = try fx.score("first", """
            name: first
            workspace: \(shared)
            sheet: {size: 1, total_items: 1}
            backend: {type: command}
            prompt: {template: "while [ ! -e go ]; do sleep 0.05; done"}
            """)
        #expect(try await fx.mzt("submit", slow).exitCode == 0)
        let second = try await fx.mzt("submit", try quick(fx, "second", workspace: shared))
        #expect(second.exitCode == 0)
        #expect(second.stderr.contains("warning: workspace \(shared) is also used by first"), "\(second.stderr)")
        FileManager.default.createFile(atPath: shared + "/go", contents: nil)
        #expect(try await fx.mzt("wait", "first").exitCode == 0)
        let alone = try await fx.mzt("submit", try quick(fx, "third", workspace: shared))
        #expect(!alone.stderr.contains("also used by"), "\(alone.stderr)")
    }

    @Test func ignoredScoreKeysAreWarnedAboutBySubmit() async throws {
        let fx = try await JobFixture()
        let path = try quick(fx, "w1", extra: "learning: {enabled: true}")
        let submitted = try await fx.mzt("submit", path)
        #expect(submitted.exitCode == 0)
        #expect(submitted.stderr.contains("W001"), "\(submitted.stderr)")
        #expect(submitted.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "w1")
    }

    /// `pause --now`: the job is not running (conductor-status, stop's count) and its time
    /// run stops while its wall time goes on.
    @Test func aJobPausedNowIsNotRunningAndItsTimeRunStops() async throws {
        let fx = try await JobFixture()
        #expect(try await CLI.submit(fx, "frozen", "sleep 30").exitCode == 0)
        try await fx.waitForStatus("frozen") { $0.sheets.first?.status == .running }
        #expect(try await fx.mzt("pause", "frozen", "--now").exitCode == 0)
        let status = try await fx.mzt("conductor-status", "--json")
        let parsed = try JSONDecoder.wire.decode(ConductorStatusResult.self, from: Data(status.stdout.utf8))
        #expect(parsed.runningJobs.isEmpty, "\(parsed.runningJobs)")
        let first = try await fx.status("frozen")
        let firstWall = first.job.duration() ?? 0
        try await Task.sleep(nanoseconds: 1_200_000_000)
        let second = try await fx.status("frozen")
        let ran = try #require(second.job.runningSeconds)
        #expect(abs(ran - (first.job.runningSeconds ?? 0)) < 0.3, "ran \(first.job.runningSeconds ?? -1) then \(ran)")
        #expect((second.job.duration() ?? 0) - firstWall > 1)
        let list = try await fx.mzt("list", "--status", "running")
        #expect(list.stdout.contains("no running jobs"), "\(list.stdout)")
        #expect(try await fx.mzt("cancel", "frozen").exitCode == 0)
    }

    @Test func theJobPidIsItsProcessNotTheConductor() async throws {
        let fx = try await JobFixture()
        #expect(try await CLI.submit(fx, "pid", "sleep 30").exitCode == 0)
        try await fx.waitForStatus("pid") { $0.job.pid != nil }
        let pid = try #require(try await fx.status("pid").job.pid)
        #expect(pid != fx.conductor.pid)
        let environment = (try? String(contentsOfFile: "/proc/\(pid)/environ", encoding: .utf8)) ?? ""
        #expect(environment.contains("MZT_JOB_ID=pid"))
        #expect(try await fx.mzt("cancel", "pid", "--wait").exitCode == 0)
        #expect(try await fx.status("pid").job.pid == nil)
    }

    @Test func aWorkspaceThatCannotBeCreatedSaysWhyInPlainWords() async throws {
        let fx = try await JobFixture()
        let path = try quick(fx, "procws", workspace: "/proc/mzt-nope/ws")
        let submitted = try await fx.mzt("submit", path)
        #expect(submitted.exitCode == 66)
        #expect(submitted.stderr.contains("cannot be created: No such file or directory"), "\(submitted.stderr)")
        #expect(!submitted.stderr.contains("The operation could not be completed"))
    }
}
