import Foundation
import MarianneCore
import MarianneTestSupport
import Testing

/// The conductor against its own jobs and clients misbehaving: escaping processes, frozen
/// sheets left by a crash, floods of output and of requests, repeated crashes.
@Suite(.serialized)
struct EngineHardeningTests {
    @Test func aChildThatLeftItsSessionIsStoppedWithItsSheet() async throws {
        let fx = try await JobFixture(settings: "kill_grace_seconds: 1\n")
        let path = try fx.score("escape", """
            name: escape
            workspace: ./escape-ws
            sheet: {size: 1, total_items: 2}
            prompt:
              template: "setsid sleep 300 > /dev/null 2>&1 < /dev/null & echo $! > escaped-{{ sheet_num }}.pid; if [ {{ sheet_num }} = 2 ]; then sleep 300; fi"
            backend: {type: command}
            """)
        let ws = fx.workspace("escape-ws")
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        // Sheet 1 completes; what it left running in its own session is stopped with it.
        try await fx.waitForFile(ws + "/escaped-1.pid")
        let first = try Self.pid(ws + "/escaped-1.pid")
        try await fx.conductor.waitUntil(timeout: 15) { !JobFixture.isAlive(first) }
        // Sheet 2 is cancelled; its escaped child goes too.
        try await fx.waitForFile(ws + "/escaped-2.pid")
        let second = try Self.pid(ws + "/escaped-2.pid")
        #expect(JobFixture.isAlive(second))
        #expect(try await fx.mzt("cancel", "escape").exitCode == 0)
        try await fx.conductor.waitUntil(timeout: 15) { !JobFixture.isAlive(second) }
    }

    @Test func aSheetFrozenByPauseNowIsStoppedAfterACrashAndRunsOnceOnResume() async throws {
        let fx = try await JobFixture(settings: "kill_grace_seconds: 1\n")
        // The sheet ignores SIGHUP, as a sheet surviving its dead conductor would.
        let path = try fx.score("frozen", """
            name: frozen
            workspace: ./frozen-ws
            prompt:
              template: "trap '' HUP; echo $$ >> starts.txt; while [ ! -e gate ]; do sleep 0.05; done"
            backend: {type: command}
            """)
        let ws = fx.workspace("frozen-ws")
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        try await fx.waitForFile(ws + "/starts.txt")
        let first = try #require(Int32(JobFixture.lines(ws + "/starts.txt").first ?? ""))
        #expect(try await fx.mzt("pause", "frozen", "--now").exitCode == 0)
        #expect(try fx.checkpoint("frozen", workspace: ws).status == .paused)
        try fx.conductor.kill9()
        try await fx.conductor.restart()
        // The frozen copy is stopped before anything else happens to the job...
        try await fx.conductor.waitUntil(timeout: 15) { !JobFixture.isAlive(first) }
        #expect(try await fx.status("frozen").job.status == .paused)
        // ... so resuming runs the sheet once more, alone.
        #expect(try await fx.mzt("resume", "frozen").exitCode == 0)
        try await fx.waitForFile(ws + "/starts.txt", lines: 2)
        FileManager.default.createFile(atPath: ws + "/gate", contents: nil)
        #expect(try await fx.mzt("wait", "frozen", "--timeout", "30").exitCode == 0)
        #expect(JobFixture.lines(ws + "/starts.txt").count == 2)
    }

    @Test func aFloodOfModuleOutputStaysBoundedAndCancelStopsIt() async throws {
        let fx = try await JobFixture(settings: "max_log_entries_per_job: 2000\n")
        let module = fx.dir.file("yes")
        try FileManager.default.createDirectory(atPath: module, withIntermediateDirectories: true)
        try #"{"id": "yes", "name": "Yes", "version": "1.0.0", "entrypoint": "run.sh"}"#
            .write(toFile: module + "/module.json", atomically: true, encoding: .utf8)
        try "#!/bin/bash\nread -r request\nexec yes 'a line of output that never ends'\n".write(toFile: module + "/run.sh", atomically: true, encoding: .utf8)
        chmod(module + "/run.sh", 0o755)
        #expect(try await fx.mzt("module", "install", module).exitCode == 0)
        #expect(try await fx.mzt("run", "yes").exitCode == 0)
        let pid = try #require(fx.conductor.pid)
        let before = Self.rss(pid)
        // Let it flood for a while: memory must not follow the output.
        try await fx.conductor.waitUntil(timeout: 30) {
            ((try? await fx.mzt("logs", "yes", "--json").stdout.split(separator: "\n").count) ?? 0) >= 1500
        }
        try await Task.sleep(for: .seconds(2))
        let during = Self.rss(pid)
        #expect(during < before + 150_000_000, "conductor RSS grew from \(before) to \(during) bytes")
        let cancelled = ContinuousClock.now
        #expect(try await fx.mzt("cancel", "yes").exitCode == 0)
        #expect(try await fx.mzt("wait", "yes", "--timeout", "30").exitCode != 0)
        #expect(ContinuousClock.now - cancelled < .seconds(15))
        #expect(try await fx.status("yes").job.status == .cancelled)
        // The log was rotated, not grown without bound.
        let entries = try await fx.mzt("logs", "yes", "--json").stdout.split(separator: "\n").count
        #expect(entries <= 2300)
    }

    @Test func aClientThatSendsWithoutReadingStallsOnlyItself() async throws {
        let fx = try await JobFixture()
        let pid = try #require(fx.conductor.pid)
        let before = Self.rss(pid)
        let greedy = try RawClient(path: fx.conductor.socketPath)
        // Pipelined requests, never read: the writes must start blocking (bounded buffers).
        var flags = fcntl(greedy.fd, F_GETFL)
        flags |= O_NONBLOCK
        _ = fcntl(greedy.fd, F_SETFL, flags)
        let line = Array(#"{"jsonrpc":"2.0","id":1,"method":"conductor.status"}"#.utf8) + [10]
        var sent = 0
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let n = line.withUnsafeBytes { write(greedy.fd, $0.baseAddress, $0.count) }
            if n < 0 {
                guard errno == EAGAIN else { break }
                try await Task.sleep(for: .milliseconds(200))
                let m = line.withUnsafeBytes { write(greedy.fd, $0.baseAddress, $0.count) }
                if m < 0, errno == EAGAIN { break }
                continue
            }
            sent += 1
        }
        #expect(sent < 2_000_000, "the conductor kept reading requests nobody reads the answers of")
        // The conductor answers others at once, and has not grown with the backlog.
        let started = ContinuousClock.now
        #expect(try await fx.mzt("conductor-status").exitCode == 0)
        #expect(ContinuousClock.now - started < .seconds(25), "answered while another client stalls (the bound is the client timeout's, less a margin for a loaded machine)")
        #expect(Self.rss(pid) < before + 100_000_000)
        greedy.close()
        #expect(try await fx.mzt("list").exitCode == 0)
    }

    @Test func aJobRunningInTwoCrashesIsNotResumedAThirdTime() async throws {
        let fx = try await JobFixture(settings: "kill_grace_seconds: 1\n")
        let path = try fx.score("crashy", """
            name: crashy
            workspace: ./crashy-ws
            prompt: {template: "echo run >> runs.txt; sleep 300"}
            backend: {type: command}
            """)
        let ws = fx.workspace("crashy-ws")
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        for round in 1...2 {
            try await fx.waitForFile(ws + "/runs.txt", lines: round)
            // A crash (a fault, as a trap would raise), not a kill.
            let pid = try #require(fx.conductor.pid)
            kill(pid, SIGSEGV)
            try await fx.conductor.waitUntilGone(pid)
            try await fx.conductor.restart()
        }
        try await fx.waitForStatus("crashy") { $0.job.status == .failed }
        let status = try await fx.status("crashy")
        #expect(status.job.error?.contains("crashed 2 times") == true)
        #expect(JobFixture.lines(ws + "/runs.txt").count == 2)
    }

    @Test func aForgedCheckpointFromAnotherUserRunsNothing() async throws {
        guard getuid() == 0, let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first(where: FileManager.default.isExecutableFile) else {
            return
        }
        let fx = try await JobFixture()
        let ws = fx.workspace("shared-ws")
        try FileManager.default.createDirectory(atPath: ws, withIntermediateDirectories: true)
        chmod(fx.dir.path, 0o755)
        chmod(ws, 0o777)
        let path = try fx.score("victim", """
            name: victim
            workspace: ./shared-ws
            sheet: {size: 1, total_items: 2}
            prompt: {template: "while [ ! -e gate ]; do sleep 0.05; done; echo honest > result.txt"}
            backend: {type: command}
            """)
        let submitted = try await fx.mzt("submit", path)
        #expect(submitted.exitCode == 0, "\(submitted.stderr)")
        try await fx.waitForStatus("victim") { $0.job.status == .running }
        #expect(try await fx.mzt("pause", "victim").exitCode == 0)
        FileManager.default.createFile(atPath: ws + "/gate", contents: nil)
        try await fx.waitForStatus("victim") { $0.job.status == .paused }
        let marianne = ws + "/.marianne"
        var info = stat()
        stat(marianne, &info)
        #expect(info.st_mode & 0o077 == 0, ".marianne must be private")
        stat(CheckpointStore.path(workspace: ws, jobID: "victim"), &info)
        #expect(info.st_mode & 0o077 == 0, "the checkpoint must be private")
        // Another user swaps in a .marianne of their own with a checkpoint that runs their command.
        let pwned = fx.dir.file("pwned")
        let checkpoint = try fx.checkpoint("victim", workspace: ws)
        var forged = checkpoint
        forged.configSnapshot = "name: victim\nworkspace: ./shared-ws\nprompt: {template: \"touch \(pwned)\"}\nbackend: {type: command}\n"
        forged.sheets = forged.sheets.map { var sheet = $0; sheet.status = .pending; return sheet }
        let forgedJSON = fx.dir.file("forged.json")
        try JSONEncoder.wire.encode(forged).write(to: URL(fileURLWithPath: forgedJSON))
        chmod(forgedJSON, 0o644)
        let swap = "mv \(marianne) \(ws)/.old && mkdir \(marianne) && cp \(forgedJSON) \(marianne)/checkpoint-victim.json"
        let result = try await TestConductor.run(setpriv, ["--reuid", "65534", "--regid", "65534", "--clear-groups", "/bin/sh", "-c", swap])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let resume = try await fx.mzt("resume", "victim")
        #expect(resume.exitCode != 0)
        #expect(resume.stderr.contains("uid 65534"))
        try await Task.sleep(for: .milliseconds(500))
        #expect(!FileManager.default.fileExists(atPath: pwned))
    }

    static func pid(_ path: String) throws -> Int32 {
        try #require(Int32(String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    static func rss(_ pid: Int32) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
    }
}
