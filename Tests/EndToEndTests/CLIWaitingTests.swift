import Foundation
import MarianneCore
import MarianneTestSupport
import Testing

/// Commands that wait for a job never give up on their own, and commands that stream print
/// each line as it comes, to a terminal or not.
@Suite(.serialized)
struct CLIWaitingTests {
    /// `submit --wait` and `--follow` outlive the client's 30 s call timeout (a job of 33 s).
    @Test func submitWaitAndFollowOutliveThirtySeconds() async throws {
        let fx = try await JobFixture()
        let path = try fx.score("slow", """
            name: slow
            workspace: ./slow-ws
            backend: {type: command, timeout: 2m}
            sheet: {size: 1, total_items: 1}
            prompt: {template: "sleep 33"}
            """)
        async let waited = fx.mzt("submit", path, "--wait")
        async let followed = fx.mzt("submit", path, "--id", "slow2", "--follow")
        let (wait, follow) = try await (waited, followed)
        #expect(wait.exitCode == 0, "\(wait.stderr)")
        #expect(wait.stdout.contains("slow completed"))
        #expect(follow.exitCode == 0, "\(follow.stderr)")
        #expect(follow.stdout.contains("slow2 completed"))
        #expect(!wait.stderr.contains("did not answer in time") && !follow.stderr.contains("did not answer in time"))
    }

    /// A job that prints a line, then waits for a file the test creates.
    func gated(_ fx: JobFixture, _ name: String) throws -> String {
        try fx.score(name, """
            name: \(name)
            workspace: ./\(name)-ws
            backend: {type: command, stream_output: true}
            sheet: {size: 1, total_items: 1}
            prompt: {template: "echo first-line; while [ ! -e go ]; do sleep 0.05; done; echo last-line"}
            """)
    }

    @Test func logsFollowToAFileGetsEachLineAsItComes() async throws {
        let fx = try await JobFixture()
        #expect(try await fx.mzt("submit", try gated(fx, "lf")).exitCode == 0)
        let follow = try CLI.Background(fx, ["logs", "-f", "lf"])
        // The line reaches the file while the job still runs (block buffering kept it until the end).
        try await Poll.until(timeout: 20) { follow.text.contains("first-line") }
        #expect(!follow.text.contains("last-line"))
        FileManager.default.createFile(atPath: fx.workspace("lf-ws") + "/go", contents: nil)
        #expect(try await follow.exitCode() == 0)
        #expect(follow.text.contains("last-line"))
    }

    @Test func submitFollowToAPipeGetsEachLineAsItComes() async throws {
        let fx = try await JobFixture()
        let follow = try CLI.Background(fx, ["submit", try gated(fx, "sf"), "--follow"])
        try await Poll.until(timeout: 20) { follow.text.contains("first-line") }
        FileManager.default.createFile(atPath: fx.workspace("sf-ws") + "/go", contents: nil)
        #expect(try await follow.exitCode() == 0)
        #expect(follow.text.contains("sf completed"))
    }

    @Test func statusWatchOffATerminalPrintsPlainSnapshots() async throws {
        let fx = try await JobFixture()
        #expect(try await fx.mzt("submit", try gated(fx, "sw")).exitCode == 0)
        try await fx.waitForStatus("sw") { $0.job.status == .running }
        let watch = try CLI.Background(fx, ["status", "sw", "--watch"])
        do {
            try await Poll.until(timeout: 20) { watch.text.contains("sw  running") }
        } catch {
            Issue.record("no running snapshot: \(watch.described)")
            throw error
        }
        FileManager.default.createFile(atPath: fx.workspace("sw-ws") + "/go", contents: nil)
        #expect(try await watch.exitCode() == 0)
        let text = watch.text
        #expect(!text.contains("\u{1B}["), "\(text.debugDescription)")
        #expect(text.contains("sw  completed"))
    }

    /// `mzt wait` with several jobs: each printed as it ends; the exit code and standard
    /// error say which did not complete.
    @Test func waitForSeveralJobsNamesTheOnesThatFailed() async throws {
        let fx = try await JobFixture()
        #expect(try await CLI.add(fx, "--id", "ok", "--", "true").exitCode == 0)
        #expect(try await CLI.add(fx, "--id", "bad", "--", "false").exitCode == 0)
        let waited = try await fx.mzt("wait", "ok", "bad")
        #expect(waited.exitCode == 1)
        #expect(waited.stdout.contains("ok completed") && waited.stdout.contains("bad failed"))
        #expect(waited.stderr.contains("not completed: bad (failed)"))
        #expect(try await fx.mzt("wait", "ok").exitCode == 0)
        let all = try await fx.mzt("wait", "--all")
        #expect(all.exitCode == 0, "\(all.stdout)")
        #expect(try await fx.mzt("wait", "ok", "--all").exitCode == 64)
    }

    @Test func waitForAStatus() async throws {
        let fx = try await JobFixture()
        #expect(try await fx.mzt("submit", try gated(fx, "ws")).exitCode == 0)
        let running = try await fx.mzt("wait", "ws", "--status", "running", "--timeout", "20")
        #expect(running.exitCode == 0, "\(running.stdout) \(running.stderr)")
        #expect(running.stdout.contains("ws running"))
        let timedOut = try await fx.mzt("wait", "ws", "--status", "completed", "--timeout", "0.5")
        #expect(timedOut.exitCode == 75)
        FileManager.default.createFile(atPath: fx.workspace("ws-ws") + "/go", contents: nil)
        #expect(try await fx.mzt("wait", "ws", "--status", "completed").exitCode == 0)
    }
}
