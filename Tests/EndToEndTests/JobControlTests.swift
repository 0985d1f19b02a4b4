import Foundation
import MarianneCore
import MarianneTestSupport
import Testing

@Suite(.serialized)
struct JobControlTests {
    /// Four sheets; each appends its number to ran.txt then waits for its gate file.
    func gatedScore(_ fx: JobFixture, name: String) throws -> String {
        try fx.score(name, """
            name: \(name)
            workspace: ./\(name)-ws
            sheet: {size: 1, total_items: 4}
            prompt:
              template: "echo {{ sheet_num }} >> ran.txt; while [ ! -e gate-{{ sheet_num }} ]; do sleep 0.05; done"
            backend: {type: command}
            """)
    }

    func open(_ fx: JobFixture, _ name: String, _ sheet: Int) {
        FileManager.default.createFile(atPath: fx.workspace("\(name)-ws") + "/gate-\(sheet)", contents: nil)
    }

    @Test func pauseByIPCThenResumeWithoutRerunningCompletedSheets() async throws {
        let fx = try await JobFixture()
        let path = try gatedScore(fx, name: "p")
        let ran = fx.workspace("p-ws") + "/ran.txt"
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        try await fx.waitForFile(ran, lines: 1)
        let pause = try await fx.mzt("pause", "p")
        #expect(pause.exitCode == 0)
        #expect(FileManager.default.fileExists(atPath: fx.workspace("p-ws") + "/.marianne-pause-p"))
        open(fx, "p", 1)
        try await fx.waitForStatus("p") { $0.job.status == .paused }
        let status = try await fx.status("p")
        #expect(status.sheets.map(\.status) == [.completed, .pending, .pending, .pending])
        #expect(try await fx.mzt("pause", "p").exitCode == 1)

        for n in 2...4 { open(fx, "p", n) }
        let resume = try await fx.mzt("resume", "p")
        #expect(resume.exitCode == 0, "\(resume.stderr)")
        #expect(try await fx.mzt("wait", "p", "--timeout", "30").exitCode == 0)
        #expect(JobFixture.lines(ran) == ["1", "2", "3", "4"])
    }

    @Test func aShellScriptPausesAJobByCreatingTheSignalFile() async throws {
        let fx = try await JobFixture()
        let path = try gatedScore(fx, name: "t")
        let ws = fx.workspace("t-ws")
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        try await fx.waitForFile(ws + "/ran.txt", lines: 1)
        FileManager.default.createFile(atPath: ws + "/.marianne-pause-t", contents: nil)
        open(fx, "t", 1)
        try await fx.waitForStatus("t") { $0.job.status == .paused }
        #expect(try await fx.status("t").sheets[1].status == .pending)
        for n in 2...4 { open(fx, "t", n) }
        #expect(try await fx.mzt("resume", "t").exitCode == 0)
        #expect(try await fx.mzt("wait", "t").exitCode == 0)
        #expect(!FileManager.default.fileExists(atPath: ws + "/.marianne-pause-t"))
    }

    @Test func pauseWaitReturnsOncePaused() async throws {
        let fx = try await JobFixture()
        let path = try gatedScore(fx, name: "w")
        let ws = fx.workspace("w-ws")
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        try await fx.waitForFile(ws + "/ran.txt")
        let pausing = Task { try await fx.mzt("pause", "w", "--wait", "--timeout", "20") }
        try await fx.conductor.waitUntil(timeout: 10) { FileManager.default.fileExists(atPath: ws + "/.marianne-pause-w") }
        // The pause waits for the running sheet to reach its boundary.
        #expect(try await fx.status("w").job.status == .running)
        open(fx, "w", 1)
        let pause = try await pausing.value
        #expect(pause.exitCode == 0)
        #expect(pause.stdout.contains("paused"))
        #expect(try await fx.status("w").job.status == .paused)
    }

    /// A sheet running `sleep 1000` plus a child that ignores TERM.
    func stubbornScore(_ fx: JobFixture, name: String) throws -> String {
        try fx.score(name, """
            name: \(name)
            workspace: ./\(name)-ws
            prompt:
              template: "bash -c 'trap \\"\\" TERM; sleep 1000' & echo $! > child.pid; sleep 1000 & echo $! > sleep.pid; wait"
            backend: {type: command}
            """)
    }

    func pids(_ fx: JobFixture, _ name: String) throws -> [Int32] {
        try ["child.pid", "sleep.pid"].map { file in
            try #require(Int32(String(contentsOfFile: fx.workspace("\(name)-ws") + "/\(file)", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        }
    }

    @Test func cancelKillsTheWholeProcessGroupAfterTheGracePeriod() async throws {
        let fx = try await JobFixture(settings: "kill_grace_seconds: 1\n")
        let path = try stubbornScore(fx, name: "c")
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        try await fx.waitForFile(fx.workspace("c-ws") + "/sleep.pid")
        let pids = try pids(fx, "c")
        let cancel = try await fx.mzt("cancel", "c", "--wait")
        #expect(cancel.exitCode == 0)
        #expect(cancel.stdout.contains("cancelled"))
        try await fx.conductor.waitUntil(timeout: 5) { pids.allSatisfy { !JobFixture.isAlive($0) } }
        #expect(try await fx.status("c").sheets.first?.status == .pending)
        #expect(try await fx.mzt("cancel", "c").exitCode == 1)
    }

    @Test func aShellScriptCancelsAJobByCreatingTheSignalFile() async throws {
        let fx = try await JobFixture(settings: "kill_grace_seconds: 1\n")
        let path = try stubbornScore(fx, name: "cf")
        let ws = fx.workspace("cf-ws")
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        try await fx.waitForFile(ws + "/sleep.pid")
        let pids = try pids(fx, "cf")
        FileManager.default.createFile(atPath: ws + "/.marianne-cancel-cf", contents: nil)
        try await fx.waitForStatus("cf", timeout: 10) { $0.job.status == .cancelled }
        try await fx.conductor.waitUntil(timeout: 5) { pids.allSatisfy { !JobFixture.isAlive($0) } }
    }

    @Test func durationLimitStopsTheJob() async throws {
        let fx = try await JobFixture(settings: "kill_grace_seconds: 1\n")
        let path = try fx.score("limited", """
            name: limited
            workspace: ./limited-ws
            max_duration: 1s
            prompt: {template: "sleep 1000"}
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        #expect(try await fx.mzt("wait", "limited", "--timeout", "20").exitCode == 1)
        let status = try await fx.status("limited")
        #expect(status.job.status == .stopped)
        #expect(status.job.error == "Duration limit reached")
        let log = try String(contentsOfFile: fx.conductor.home + "/conductor.log", encoding: .utf8)
        #expect(log.contains("Duration limit reached"))
    }

    @Test func maxDurationFlagOverridesAndSurvivesResume() async throws {
        let fx = try await JobFixture(settings: "kill_grace_seconds: 1\n")
        let path = try fx.score("flagged", """
            name: flagged
            workspace: ./flagged-ws
            prompt: {template: "sleep 1000"}
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path, "--max-duration", "1s").exitCode == 0)
        try await fx.waitForStatus("flagged") { $0.job.status == .stopped }
        // Time already spent counts: a resumed job is over its limit at once.
        #expect(try await fx.mzt("resume", "flagged").exitCode == 0)
        try await fx.waitForStatus("flagged") { $0.job.status == .stopped }
        #expect(try await fx.status("flagged").maxDurationSeconds == 1)
    }

    @Test func wrongStateActionsAreClearErrors() async throws {
        let fx = try await JobFixture()
        let path = try fx.score("done", """
            name: done
            workspace: ./done-ws
            prompt: {template: "true"}
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        for action in ["pause", "cancel"] {
            let result = try await fx.mzt(action, "done")
            #expect(result.exitCode == 1)
            #expect(result.stderr.contains("completed"))
        }
        let resume = try await fx.mzt("resume", "done")
        #expect(resume.exitCode == 1)
        #expect(resume.stderr.contains("submit the score again"))
        let gated = try gatedScore(fx, name: "busy")
        #expect(try await fx.mzt("submit", gated).exitCode == 0)
        let delete = try await fx.mzt("delete", "busy")
        #expect(delete.exitCode == 1)
        #expect(delete.stderr.contains("cancel it before deleting"))
        #expect(try await fx.mzt("resume", "busy").exitCode == 1)
        #expect(try await fx.mzt("delete", "done").exitCode == 0)
        #expect(try await fx.mzt("status", "done").exitCode == 1)
        let clear = try await fx.mzt("clear", "--status", "running")
        #expect(clear.exitCode == 64, "only finished statuses can be cleared: a usage error")
        #expect(try await fx.status("busy").job.status == .running)
    }

    @Test func healthReportsTheRunningProcess() async throws {
        let fx = try await JobFixture()
        let path = try gatedScore(fx, name: "h")
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        try await fx.waitForFile(fx.workspace("h-ws") + "/ran.txt")
        let result = try await fx.mzt("health", "h", "--json")
        #expect(result.exitCode == 0)
        let health = try JSONDecoder().decode(ProcessHealth.self, from: Data(result.stdout.utf8))
        #expect(health.isAlive)
        #expect(health.processExists)
        #expect((health.memoryMB ?? 0) > 0)
        #expect(health.uptimeSeconds != nil)
        #expect(try await fx.mzt("health", "h").stdout.contains("alive"))
    }
}

@Suite(.serialized)
struct CancelDuringBackoffTests {
    @Test func cancelDoesNotWaitForARetryBackoff() async throws {
        let fx = try await JobFixture()
        let path = try fx.score("patient", """
            name: patient
            workspace: ./patient-ws
            prompt: {template: "echo try >> tries.txt; false"}
            retry: {max_retries: 3, base_delay_seconds: 60, max_delay_seconds: 60}
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        try await fx.waitForFile(fx.workspace("patient-ws") + "/tries.txt")
        let started = Date()
        #expect(try await fx.mzt("cancel", "patient", "--wait").stdout.contains("cancelled"))
        #expect(Date().timeIntervalSince(started) < 10)
    }
}
