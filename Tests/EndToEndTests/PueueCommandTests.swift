import Foundation
import MarianneCore
import MarianneProtocol
import MarianneTestSupport
import Testing

/// What pueue users reach for: `add -- CMD`, the sheets' own output, restarting a finished
/// job, editing and moving queued ones, signals.
@Suite(.serialized)
struct PueueCommandTests {
    @Test func addRunsTheCommandExactlyAsTyped() async throws {
        let fx = try await JobFixture()
        let out = fx.workspace("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let args = ["printf", "%s|", "two words", "it's", "$HOME", "{{ x }}", "{% raw %}", "${#arr[@]}", "a\"b", ""]
        let added = try await fx.conductor.run(["add", "--id", "quoted", "--workspace", out, "--label", "quoting", "--wait", "--"] + args)
        #expect(added.exitCode == 0, "\(added.stderr)")
        let output = try await fx.mzt("logs", "quoted", "--output")
        #expect(output.stdout.contains("two words|it's|$HOME|{{ x }}|{% raw %}|${#arr[@]}|a\"b||"), "\(output.stdout)")
        let status = try await fx.status("quoted")
        #expect(status.job.label == "quoting")
        #expect(status.job.command?.hasPrefix("printf '%s|' 'two words'") == true, "\(status.job.command ?? "")")
        #expect(status.job.workspace == out)
        // One argument is a shell line as it is; the id is taken from the command.
        #expect(try await CLI.add(fx, "--wait", "--", "echo one && echo two").exitCode == 0)
        #expect(try await fx.mzt("logs", "echo", "--output").stdout.contains("one\ntwo"))
        #expect(try await fx.status("echo").job.workspace == CLI.addFolder(fx), "the current directory is the default workspace")
        #expect(try await CLI.add(fx, "--wait", "--", "echo", "again").exitCode == 0)
        #expect(try await fx.mzt("logs", "echo-2", "--output").stdout.contains("again"))
    }

    @Test func logsOutputFollowsTheSheetsOwnOutputLive() async throws {
        let fx = try await JobFixture()
        let ws = fx.workspace("live")
        try FileManager.default.createDirectory(atPath: ws, withIntermediateDirectories: true)
        #expect(try await fx.mzt("add", "--id", "live", "--workspace", ws, "--", "echo early; echo warn >&2; while [ ! -e go ]; do sleep 0.05; done; echo late").exitCode == 0)
        let follow = try CLI.Background(fx, ["logs", "live", "--output", "-f"])
        try await Poll.until(timeout: 20) { follow.text.contains("early") && follow.text.contains("warn") }
        #expect(!follow.text.contains("late"))
        FileManager.default.createFile(atPath: ws + "/go", contents: nil)
        #expect(try await follow.exitCode() == 0)
        let text = follow.text
        #expect(text.contains("==> sheet 1, attempt 1, stdout <==") && text.contains("==> sheet 1, attempt 1, stderr <=="), "\(text)")
        #expect(text.contains("late"))
        let tail = try await fx.mzt("logs", "live", "--output", "-n", "1")
        #expect(tail.stdout.contains("late") && !tail.stdout.contains("early"), "\(tail.stdout)")
    }

    @Test func afterAndDelayHoldJobsBack() async throws {
        let fx = try await JobFixture()
        let ws = fx.workspace("order")
        try FileManager.default.createDirectory(atPath: ws, withIntermediateDirectories: true)
        #expect(try await fx.mzt("add", "--id", "first", "--workspace", ws, "--", "while [ ! -e go ]; do sleep 0.05; done; echo first >> order.txt").exitCode == 0)
        #expect(try await fx.mzt("add", "--id", "second", "--workspace", ws, "--after", "first", "--", "echo second >> order.txt").exitCode == 0)
        #expect(try await fx.mzt("add", "--id", "doomed", "--workspace", ws, "--after", "second", "missing-job", "--", "true").exitCode == 65)
        #expect(try await fx.mzt("add", "--id", "never", "--workspace", ws, "--after", "failing", "--", "true").exitCode == 65)
        let listed = try await fx.mzt("list")
        #expect(listed.stdout.contains("after first"), "\(listed.stdout)")
        try await fx.waitForStatus("first") { $0.sheets.first?.status == .running }
        #expect(try await fx.status("second").job.status == .pending)
        FileManager.default.createFile(atPath: ws + "/go", contents: nil)
        #expect(try await fx.mzt("wait", "first", "second").exitCode == 0)
        #expect(JobFixture.lines(ws + "/order.txt") == ["first", "second"])

        // A job it waits for fails: it fails too, and says why.
        #expect(try await fx.mzt("add", "--id", "gate", "--workspace", ws, "--", "while [ ! -e stop ]; do sleep 0.05; done; false").exitCode == 0)
        #expect(try await fx.mzt("add", "--id", "then", "--workspace", ws, "--after", "gate", "--", "true").exitCode == 0)
        FileManager.default.createFile(atPath: ws + "/stop", contents: nil)
        #expect(try await fx.mzt("wait", "then").exitCode == 1)
        #expect(try await fx.status("then").job.error?.contains("gate") == true)

        let started = Date()
        #expect(try await CLI.add(fx, "--id", "later", "--delay", "1s", "--wait", "--", "true").exitCode == 0)
        let status = try await fx.status("later")
        #expect((status.job.startedAt ?? started).timeIntervalSince(started) >= 0.9)
    }

    @Test func restartJobKeepsTheOldOne() async throws {
        let fx = try await JobFixture()
        #expect(try await CLI.add(fx, "--id", "twice", "--label", "L", "--wait", "--", "echo run").exitCode == 0)
        let again = try await fx.mzt("restart-job", "twice", "--wait")
        #expect(again.exitCode == 0, "\(again.stderr)")
        #expect(again.stdout.contains("twice-2 completed"))
        #expect(try await fx.status("twice").job.status == .completed)
        #expect(try await fx.status("twice-2").job.label == "L")
        #expect(try await fx.mzt("restart-job", "twice", "--id", "third", "--wait").exitCode == 0)
        #expect(try await CLI.add(fx, "--id", "active", "--", "sleep", "30").exitCode == 0)
        #expect(try await fx.mzt("restart-job", "active").exitCode == 65)
        #expect(try await fx.mzt("cancel", "active").exitCode == 0)
    }

    @Test func editAndMoveAQueuedJob() async throws {
        let fx = try await JobFixture(settings: "max_concurrent_jobs: 1\n")
        let ws = fx.workspace("q")
        try FileManager.default.createDirectory(atPath: ws, withIntermediateDirectories: true)
        #expect(try await fx.mzt("add", "--id", "blocker", "--workspace", ws, "--", "while [ ! -e go ]; do sleep 0.05; done").exitCode == 0)
        for id in ["a", "b", "c"] {
            #expect(try await fx.mzt("add", "--id", id, "--workspace", ws, "--", "echo \(id) >> ran.txt").exitCode == 0)
        }
        #expect(try await fx.mzt("move", "c", "--first").stdout.contains("position 1"))
        let edited = try fx.score("b-new", """
            name: b
            workspace: \(ws)
            sheet: {size: 1, total_items: 2}
            backend: {type: command}
            prompt: {template: "echo b{{ sheet_num }} >> ran.txt"}
            """)
        let edit = try await fx.mzt("edit", "b", "--file", edited)
        #expect(edit.exitCode == 0, "\(edit.stderr)")
        #expect(try await fx.status("b").job.queuePosition == 3)
        #expect(try await fx.status("b").job.totalSheets == 2)
        // Without --file the score opens in $EDITOR (here a sed that changes it in place).
        let editor = try await CLI.run(fx, ["edit", "a"], environment: ["VISUAL": "", "EDITOR": "sed -i -e 's/echo a /echo a2 /'"])
        #expect(editor.exitCode == 0, "\(editor.stderr)")
        #expect(try await fx.status("a").job.queuePosition == 2)
        #expect(try await CLI.run(fx, ["edit", "a"], environment: ["VISUAL": "", "EDITOR": "true"]).stdout.contains("no change"))
        #expect(try await fx.mzt("move", "blocker", "1").exitCode == 65)
        FileManager.default.createFile(atPath: ws + "/go", contents: nil)
        #expect(try await fx.mzt("wait", "a", "b", "c").exitCode == 0)
        #expect(JobFixture.lines(ws + "/ran.txt") == ["c", "a2", "b1", "b2"])
    }

    @Test func killSendsASignalToTheJobsProcesses() async throws {
        let fx = try await JobFixture()
        let ws = fx.workspace("sig")
        try FileManager.default.createDirectory(atPath: ws, withIntermediateDirectories: true)
        // Every process of the job gets the signal, the loop's `sleep` too (it dies of it): the
        // script ends with its own status, not the last sleep's.
        let script = "trap 'echo got-usr1 > usr1.txt' USR1; echo ready > ready.txt; while [ ! -e usr1.txt ]; do sleep 0.05; done; exit 0"
        #expect(try await fx.mzt("add", "--id", "sig", "--workspace", ws, "--", script).exitCode == 0)
        try await fx.waitForFile(ws + "/ready.txt")
        let killed = try await fx.mzt("kill", "sig", "--signal", "USR1")
        #expect(killed.exitCode == 0, "\(killed.stderr)")
        #expect(try await fx.mzt("wait", "sig").exitCode == 0)
        #expect(JobFixture.lines(ws + "/usr1.txt") == ["got-usr1"])
        #expect(try await fx.mzt("kill", "sig").exitCode == 65)
        #expect(try await CLI.add(fx, "--id", "sig2", "--", "sleep", "30").exitCode == 0)
        try await fx.waitForStatus("sig2") { $0.sheets.first?.status == .running }
        #expect(try await fx.mzt("kill", "sig2", "--signal", "NOPE").exitCode == 65)
        #expect(try await fx.mzt("kill", "sig2", "-s", "KILL").exitCode == 0)
        #expect(try await fx.mzt("wait", "sig2").exitCode == 1)
    }
}
