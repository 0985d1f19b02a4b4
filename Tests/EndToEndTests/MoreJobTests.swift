import Foundation
import MarianneClient
import MarianneCore
import MarianneProtocol
import MarianneTestSupport
import Testing

@Suite(.serialized)
struct MoreJobTests {
    @Test func selfHealingGivesOneMoreAttemptWithTheFailureContext() async throws {
        let fx = try await JobFixture()
        let path = try fx.score("heal", """
            name: heal
            workspace: ./heal-ws
            prompt:
              template: "if [ -n \\"$MZT_FAILURE_CONTEXT\\" ]; then echo \\"$MZT_FAILURE_CONTEXT\\" > context.txt; touch fixed; else echo broken >&2; fi"
            validations:
              - {type: file_exists, path: "{workspace}/fixed"}
            retry: {max_retries: 1, base_delay_seconds: 0.1}
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path, "--self-healing", "--wait").exitCode == 0)
        let context = try String(contentsOfFile: fx.workspace("heal-ws") + "/context.txt", encoding: .utf8)
        #expect(context.contains("validation failed"))
        #expect(context.contains("broken"))
        #expect(try await fx.status("heal").sheets.first?.attempts == 3)
        let without = try await fx.mzt("submit", path, "--id", "no-heal", "--workspace", fx.workspace("no-heal-ws"), "--wait")
        #expect(without.exitCode == 1)
    }

    @Test func startSheetTreatsEarlierSheetsAsDone() async throws {
        let fx = try await JobFixture()
        let path = try fx.score("later", """
            name: later
            workspace: ./later-ws
            sheet: {size: 1, total_items: 4}
            prompt: {template: "echo {{ sheet_num }} >> ran.txt"}
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path, "--start-sheet", "3", "--wait").exitCode == 0)
        #expect(JobFixture.lines(fx.workspace("later-ws") + "/ran.txt") == ["3", "4"])
        #expect(try await fx.mzt("submit", path, "--id", "bad-start", "--start-sheet", "9").exitCode == 65)
    }

    @Test func aScoreFromStandardInputRuns() async throws {
        let fx = try await JobFixture()
        let ws = fx.workspace("stdin-ws")
        let result = try await fx.conductor.run(["submit", "-", "--wait"], stdin: "name: piped\nworkspace: \(ws)\nprompt: {template: \"echo piped > out.txt\"}\nbackend: {type: command}\n")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: ws + "/out.txt"))
    }

    @Test func onSuccessHooksRunACommandAndAnotherJob() async throws {
        let fx = try await JobFixture()
        try fx.score("next", "name: next\nworkspace: ./next-ws\nprompt: {template: \"echo next > next.txt\"}\nbackend: {type: command}\n")
        let path = try fx.score("first", """
            name: first
            workspace: ./first-ws
            prompt: {template: "true"}
            on_success:
              - run_command: "echo done > hook.txt"
              - run_job: next.yaml
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        try await fx.waitForFile(fx.workspace("first-ws") + "/hook.txt")
        #expect(try await fx.mzt("wait", "next", "--timeout", "30").exitCode == 0)
        #expect(FileManager.default.fileExists(atPath: fx.workspace("next-ws") + "/next.txt"))
    }

    @Test func listFiltersPagesAndClears() async throws {
        let fx = try await JobFixture()
        let ok = try fx.score("okjob", "name: okjob\nworkspace: ./ok-ws\nprompt: {template: \"true\"}\nbackend: {type: command}\n")
        let bad = try fx.score("badjob", "name: badjob\nworkspace: ./bad-ws\nprompt: {template: \"false\"}\nbackend: {type: command}\n")
        for i in 1...3 { #expect(try await fx.mzt("submit", ok, "--id", "ok-\(i)", "--wait").exitCode == 0) }
        #expect(try await fx.mzt("submit", bad, "--wait").exitCode == 1)
        let failed = try await fx.mzt("list", "--status", "failed")
        #expect(failed.stdout.contains("badjob") && !failed.stdout.contains("ok-1"))
        let page = try await fx.conductor.client.call(RPCMethod.jobList, params: ListParams(limit: 2), as: ListResult.self)
        #expect(page.jobs.map(\.jobID) == ["badjob", "ok-3"])
        let next = try await fx.conductor.client.call(RPCMethod.jobList, params: ListParams(limit: 2, cursor: page.nextCursor), as: ListResult.self)
        #expect(next.jobs.map(\.jobID) == ["ok-2", "ok-1"])
        #expect(next.nextCursor == nil)
        let byName = try await fx.mzt("list", "--name", "ok-2", "--json")
        #expect(try JSONDecoder.wire.decode(ListResult.self, from: Data(byName.stdout.utf8)).jobs.map(\.jobID) == ["ok-2"])
        #expect(try await fx.mzt("clear", "--older-than", "1h").stdout.contains("removed 0 jobs"))
        #expect(try await fx.mzt("clear", "--status", "failed").stdout.contains("removed 1 job"))
        #expect(try await fx.mzt("clear").stdout.contains("removed 3 jobs"))
        #expect(try await fx.mzt("list", "--all").stdout.contains("no jobs"))
    }

    /// As in Marianne, a listing shows the 20 newest jobs unless --limit says otherwise, and
    /// says when there are more.
    @Test func listShowsTwentyJobsAndSaysWhenThereAreMore() async throws {
        let fx = try await JobFixture()
        let ok = try fx.score("many", "name: many\nworkspace: ./many-ws\nprompt: {template: \"true\"}\nbackend: {type: command}\n")
        for i in 1...22 { #expect(try await fx.mzt("submit", ok, "--id", "many-\(i)").exitCode == 0) }
        #expect(try await fx.mzt("wait", "many-22", "--timeout", "60").exitCode == 0)
        try await fx.waitForStatus("many-1", timeout: 60) { $0.job.status == .completed }

        let listed = try await fx.mzt("list")
        let rows = listed.stdout.split(separator: "\n").filter { $0.hasPrefix("many-") }
        #expect(rows.count == 20 && rows.first?.hasPrefix("many-22 ") == true)
        #expect(listed.stdout.contains("the 20 newest shown; there are more: mzt list --limit 100"))
        let json = try await fx.mzt("list", "--json")
        #expect(try JSONDecoder.wire.decode(ListResult.self, from: Data(json.stdout.utf8)).jobs.count == 20)
        let whole = try await fx.mzt("list", "--limit", "22")
        #expect(whole.stdout.split(separator: "\n").filter { $0.hasPrefix("many-") }.count == 22)
        #expect(!whole.stdout.contains("there are more"))
    }

    @Test func pauseNowStopsTheProcessesAndResumeContinuesThem() async throws {
        let fx = try await JobFixture()
        let path = try fx.score("frozen", """
            name: frozen
            workspace: ./frozen-ws
            prompt: {template: "echo $$ > pid; while [ ! -e gate ]; do sleep 0.05; done"}
            backend: {type: command}
            """)
        let ws = fx.workspace("frozen-ws")
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        try await fx.waitForFile(ws + "/pid")
        let pid = try #require(Int32(String(contentsOfFile: ws + "/pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(try await fx.mzt("pause", "frozen", "--now").exitCode == 0)
        try await fx.conductor.waitUntil(timeout: 5) { ProcFSReader.state(pid) == "T" }
        #expect(try await fx.status("frozen").job.status == .paused)
        FileManager.default.createFile(atPath: ws + "/gate", contents: nil)
        #expect(try await fx.mzt("resume", "frozen").exitCode == 0)
        #expect(try await fx.mzt("wait", "frozen", "--timeout", "30").exitCode == 0)
    }

    @Test func resumeWithReloadReadsTheChangedScore() async throws {
        let fx = try await JobFixture()
        let path = try fx.score("reload", "name: reload\nworkspace: ./reload-ws\nprompt: {template: \"false\"}\nbackend: {type: command}\n")
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 1)
        try "name: reload\nworkspace: ./reload-ws\nprompt: {template: \"{{ broken\"}\nbackend: {type: command}\n".write(toFile: path, atomically: true, encoding: .utf8)
        let refused = try await fx.mzt("resume", "reload", "--reload")
        #expect(refused.exitCode == 65)
        #expect(refused.stderr.contains("V008"))
        #expect(try await fx.mzt("resume", "reload").exitCode == 0)
        #expect(try await fx.mzt("wait", "reload").exitCode == 1)
        try "name: reload\nworkspace: ./reload-ws\nprompt: {template: \"echo fixed > fixed.txt\"}\nbackend: {type: command}\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try await fx.mzt("resume", "reload", "--reload").exitCode == 0)
        #expect(try await fx.mzt("wait", "reload").exitCode == 0)
        #expect(FileManager.default.fileExists(atPath: fx.workspace("reload-ws") + "/fixed.txt"))
    }

    @Test func streamOutputPutsSheetLinesInTheJobLog() async throws {
        let fx = try await JobFixture()
        let path = try fx.score("chatty", """
            name: chatty
            workspace: ./chatty-ws
            backend: {type: command, stream_output: true}
            prompt: {template: "echo hello from the sheet; echo trouble >&2"}
            """)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        let logs = try await fx.mzt("logs", "chatty").stdout
        #expect(logs.contains("sheet 1: hello from the sheet"))
        #expect(logs.contains("WARNING sheet 1: trouble"))
        let out = try String(contentsOfFile: fx.workspace("chatty-ws") + "/.marianne/logs/chatty/sheet-1.1.out", encoding: .utf8)
        #expect(out == "hello from the sheet\n")
    }

    @Test func validateListsEveryProblemAndExits65() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("broken.yaml")
        try "name: broken\nworkspace: ./w\nsheet: {size: 0}\nprompt: {template: \"{{ x }}\"}\nretyr: 1\nbackend: {type: command}\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await TestConductor.run(TestConductor.binary, ["validate", path])
        #expect(result.exitCode == 65)
        #expect(result.stderr.contains("broken.yaml:3:"))
        #expect(result.stderr.contains("V009"))
        #expect(result.stderr.contains("did you mean `retry`?"))
        let json = try await TestConductor.run(TestConductor.binary, ["validate", path, "--json"])
        #expect(json.stdout.contains("\"valid\" : false"))
        #expect(try await TestConductor.run(TestConductor.binary, ["validate", dir.file("missing.yaml")]).exitCode == 66)
    }

    @Test func anOlderConductorIsNamedAsSuch() async throws {
        let conductor = try await TestConductor.start()
        defer { conductor.shutdown() }
        await #expect(throws: ClientError.conductorTooOld(method: "job.teleport")) {
            _ = try await conductor.client.call("job.teleport", params: Empty(), as: Empty.self)
        }
        #expect(ClientError.conductorTooOld(method: "job.teleport").description.contains("older than this client; restart it with: mzt restart"))
    }

    @Test func stopAsksOnATerminalWhenJobsRun() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
        let fx = try await JobFixture()
        let path = try fx.score("busy", "name: busy\nworkspace: ./busy-ws\nprompt: {template: \"sleep 30\"}\nbackend: {type: command}\n")
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        try await fx.waitForStatus("busy") { $0.job.status == .running }
        let answer = try await TestConductor.run(
            "/usr/bin/script", ["-qec", "\(TestConductor.binary) stop", "/dev/null"], environment: ["MZT_HOME": fx.conductor.home], stdin: "n\n"
        )
        #expect(answer.stdout.contains("1 job is running (busy)"))
        #expect(answer.stdout.contains("not stopped"))
        #expect(try await fx.mzt("conductor-status").exitCode == 0)
    }
}

enum ProcFSReader {
    static func state(_ pid: Int32) -> Character? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].trimmingCharacters(in: .whitespaces).first
    }
}

@Suite(.serialized)
struct CleanupTests {
    @Test func finishedJobsOlderThanTheCleanupAgeLeaveTheRegistry() async throws {
        let fx = try await JobFixture(settings: "cleanup_age: 1s\n")
        let path = try fx.score("brief", "name: brief\nworkspace: ./brief-ws\nprompt: {template: \"true\"}\nbackend: {type: command}\n")
        let gate = fx.dir.file("gate")
        let held = try fx.score("held", "name: held\nworkspace: ./held-ws\nprompt: {template: \"while [ ! -e \(gate) ]; do sleep 0.05; done\"}\nbackend: {type: command}\n")
        #expect(try await fx.mzt("submit", held).exitCode == 0)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        try await fx.conductor.waitUntil(timeout: 15) { try await fx.mzt("status", "brief").exitCode == 1 }
        // An active job is never cleaned up, however old.
        #expect(try await fx.status("held").job.status == .running)
        FileManager.default.createFile(atPath: gate, contents: nil)
    }
}

@Suite(.serialized)
struct StatusWatchTests {
    @Test func statusWatchRedrawsUntilTheJobEnds() async throws {
        let fx = try await JobFixture()
        let gate = fx.dir.file("gate")
        let path = try fx.score("watched", """
            name: watched
            workspace: ./watched-ws
            sheet: {size: 1, total_items: 2}
            prompt: {template: "while [ ! -e \(gate) ]; do sleep 0.05; done"}
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        try await fx.waitForStatus("watched") { $0.job.status == .running }
        let watching = Task { try await fx.mzt("status", "watched", "--watch") }
        FileManager.default.createFile(atPath: gate, contents: nil)
        let result = try await watching.value
        // It returned by itself, once the job had ended, having drawn the final state last.
        #expect(result.exitCode == 0)
        let frames = result.stdout.components(separatedBy: "\u{1B}[H\u{1B}[2J").filter { !$0.isEmpty }
        #expect(!frames.isEmpty)
        #expect(frames.last?.contains("watched  completed") == true)
        #expect(frames.last?.contains("[##############################] 2/2") == true)
    }
}
