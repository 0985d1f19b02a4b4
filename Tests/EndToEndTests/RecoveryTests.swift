import Foundation
import MarianneCore
import MarianneTestSupport
import Testing

@Suite(.serialized)
struct RecoveryTests {
    @Test func killNineMidSheetThenRestartCompletesTheJob() async throws {
        let fx = try await JobFixture(settings: "kill_grace_seconds: 1\n")
        let path = try fx.score("survivor", """
            name: survivor
            workspace: ./survivor-ws
            sheet: {size: 1, total_items: 3}
            prompt:
              template: "echo {{ sheet_num }} >> ran.txt; if [ {{ sheet_num }} = 2 ] && [ ! -e second-run ]; then touch second-run; sleep 1000 & echo $! > leftover.pid; wait; fi"
            backend: {type: command}
            """)
        let ws = fx.workspace("survivor-ws")
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        try await fx.waitForFile(ws + "/leftover.pid")
        let leftover = try #require(Int32(String(contentsOfFile: ws + "/leftover.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        try fx.conductor.kill9()
        // The dead conductor's sheet is still running.
        #expect(JobFixture.isAlive(leftover))
        try await fx.conductor.restart()
        #expect(try await fx.mzt("wait", "survivor", "--timeout", "30").exitCode == 0)
        // Completed sheets ran exactly once; the sheet in flight ran again.
        #expect(JobFixture.lines(ws + "/ran.txt") == ["1", "2", "2", "3"])
        try await fx.conductor.waitUntil(timeout: 5) { !JobFixture.isAlive(leftover) }
        let status = try await fx.mzt("conductor-status", "--json")
        #expect(status.stdout.contains("\"recovered_jobs\" : 1"))
    }

    /// A large score's checkpoint is journaled while it runs: a kill -9 leaves the file and
    /// its journal, and the restarted conductor reads both, so no completed sheet runs again.
    @Test func killNineMidJournaledRunRunsNoCompletedSheetAgain() async throws {
        let fx = try await JobFixture(settings: "kill_grace_seconds: 1\n")
        let path = try fx.score("long", """
            name: long
            workspace: ./long-ws
            sheet: {size: 1, total_items: 300}
            prompt:
              template: "echo {{ sheet_num }} >> ran.txt; if [ {{ sheet_num }} = 150 ] && [ ! -e held ]; then touch held; sleep 1000 & echo $! > leftover.pid; wait; fi"
            backend: {type: command}
            """)
        let ws = fx.workspace("long-ws")
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        try await fx.waitForFile(ws + "/leftover.pid", timeout: 60)
        let journal = CheckpointJournal.path(checkpoint: CheckpointStore.path(workspace: ws, jobID: "long"))
        #expect(FileManager.default.fileExists(atPath: journal))
        try fx.conductor.kill9()
        try await fx.conductor.restart()
        #expect(try await fx.mzt("wait", "long", "--timeout", "60").exitCode == 0)
        let expected: [String] = (1...150).map { "\($0)" } + ["150"] + (151...300).map { "\($0)" }
        #expect(JobFixture.lines(ws + "/ran.txt") == expected)
        // The run ended with the checkpoint written whole, and no journal beside it.
        #expect(!FileManager.default.fileExists(atPath: journal))
        #expect(try fx.checkpoint("long", workspace: ws).sheets.allSatisfy { $0.status == .completed })
    }

    @Test func aPausedJobStaysPausedAfterARestart() async throws {
        let fx = try await JobFixture()
        let path = try fx.score("held", """
            name: held
            workspace: ./held-ws
            sheet: {size: 1, total_items: 2}
            prompt: {template: "echo {{ sheet_num }} >> ran.txt; while [ ! -e gate ]; do sleep 0.05; done"}
            backend: {type: command}
            """)
        let ws = fx.workspace("held-ws")
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        try await fx.waitForFile(ws + "/ran.txt")
        #expect(try await fx.mzt("pause", "held").exitCode == 0)
        FileManager.default.createFile(atPath: ws + "/gate", contents: nil)
        try await fx.waitForStatus("held") { $0.job.status == .paused }
        try fx.conductor.kill9()
        try await fx.conductor.restart()
        #expect(try await fx.status("held").job.status == .paused)
        #expect(try await fx.mzt("resume", "held").exitCode == 0)
        #expect(try await fx.mzt("wait", "held").exitCode == 0)
        #expect(JobFixture.lines(ws + "/ran.txt") == ["1", "2"])
    }

    @Test func aCorruptCheckpointFailsOnlyItsOwnJob() async throws {
        let fx = try await JobFixture(settings: "kill_grace_seconds: 1\n")
        for name in ["broken", "healthy"] {
            let path = try fx.score(name, """
                name: \(name)
                workspace: ./\(name)-ws
                prompt: {template: "echo $$ > started; while [ ! -e gate ]; do sleep 0.05; done"}
                backend: {type: command}
                """)
            #expect(try await fx.mzt("submit", path).exitCode == 0)
            try await fx.waitForFile(fx.workspace("\(name)-ws") + "/started", lines: 1)
        }
        try await fx.waitForStatus("healthy") { $0.job.status == .running }
        try fx.conductor.kill9()
        let brokenCheckpoint = CheckpointStore.path(workspace: fx.workspace("broken-ws"), jobID: "broken")
        try "{\"version\": 1, \"job_id\": ".write(toFile: brokenCheckpoint, atomically: false, encoding: .utf8)
        FileManager.default.createFile(atPath: fx.workspace("healthy-ws") + "/gate", contents: nil)
        try await fx.conductor.restart()
        #expect(try await fx.mzt("wait", "healthy", "--timeout", "30").exitCode == 0)
        let broken = try await fx.status("broken")
        #expect(broken.job.status == .failed)
        #expect(broken.job.error?.contains("checkpoint") == true)
        // Its attempt, left running by the dead conductor, was stopped all the same.
        let leftover = try #require(Int32(String(contentsOfFile: fx.workspace("broken-ws") + "/started", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        try await fx.conductor.waitUntil(timeout: 10) { !JobFixture.isAlive(leftover) }
    }

    @Test func stopLeavesRunningJobsResumable() async throws {
        let fx = try await JobFixture(settings: "kill_grace_seconds: 1\nshutdown_grace_seconds: 1\n")
        let path = try fx.score("longrun", """
            name: longrun
            workspace: ./longrun-ws
            sheet: {size: 1, total_items: 2}
            prompt: {template: "echo {{ sheet_num }} >> ran.txt; while [ ! -e gate ]; do sleep 0.05; done"}
            backend: {type: command}
            """)
        let ws = fx.workspace("longrun-ws")
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        try await fx.waitForFile(ws + "/ran.txt")
        #expect(try await fx.mzt("stop", "--yes").exitCode == 0)
        let checkpoint = try fx.checkpoint("longrun", workspace: ws)
        #expect(checkpoint.status == .running)
        #expect(checkpoint.sheets.first?.status == .pending)
        FileManager.default.createFile(atPath: ws + "/gate", contents: nil)
        try await fx.conductor.restart()
        #expect(try await fx.mzt("wait", "longrun", "--timeout", "30").exitCode == 0)
        #expect(JobFixture.lines(ws + "/ran.txt") == ["1", "1", "2"])
    }
}
