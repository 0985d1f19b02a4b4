import Foundation
import MarianneCore
import MarianneTestSupport
import Testing

@Suite(.serialized)
struct JobEngineTests {
    @Test func threeSheetScoreCompletesWithFilesAndCheckpoint() async throws {
        let fx = try await JobFixture()
        let path = try fx.score("three", """
            name: three
            workspace: ./three-ws
            sheet: {size: 1, total_items: 3}
            prompt:
              template: "echo 'part {{ sheet_num }} of {{ total_sheets }}' > part-{{ sheet_num }}.txt && echo \\"$MZT_JOB_ID $MZT_SHEET_NUM\\" >> env.txt"
            validations:
              - {type: file_exists, path: "{workspace}/part-{sheet_num}.txt"}
              - {type: content_contains, path: "{workspace}/part-{sheet_num}.txt", pattern: part}
            backend: {type: command}
            """)
        let submit = try await fx.mzt("submit", path)
        #expect(submit.exitCode == 0, "\(submit.stderr)")
        #expect(submit.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "three")
        let wait = try await fx.mzt("wait", "three", "--timeout", "30")
        #expect(wait.exitCode == 0, "\(wait.stdout) \(wait.stderr)")
        let ws = fx.workspace("three-ws")
        for n in 1...3 {
            let text = try String(contentsOfFile: "\(ws)/part-\(n).txt", encoding: .utf8)
            #expect(text == "part \(n) of 3\n")
        }
        #expect(JobFixture.lines("\(ws)/env.txt") == ["three 1", "three 2", "three 3"])
        let checkpoint = try fx.checkpoint("three", workspace: ws)
        #expect(checkpoint.status == .completed)
        #expect(checkpoint.sheets.map(\.status) == [.completed, .completed, .completed])
        #expect(checkpoint.lastCompletedSheet == 3)
        #expect(FileManager.default.fileExists(atPath: "\(ws)/.marianne/logs/three/sheet-2.1.out"))

        let list = try await fx.mzt("list")
        #expect(list.exitCode == 0)
        #expect(list.stdout.contains("three") && list.stdout.contains("completed") && list.stdout.contains("3/3"))
        let status = try await fx.mzt("status", "three")
        #expect(status.stdout.contains("[##############################] 3/3"))
    }

    @Test func dagRunsIndependentSheetsInParallelAndRespectsDependencies() async throws {
        let fx = try await JobFixture()
        let path = try fx.score("dag", """
            name: dag
            workspace: ./dag-ws
            sheet: {size: 1, total_items: 4, dependencies: {2: [1], 3: [1], 4: [2, 3]}}
            parallel: {max_concurrent: 2}
            prompt:
              template: "date +%s.%N > start-{{ sheet_num }}; {% if sheet_num in [2, 3] %}touch here-{{ sheet_num }}; for i in $(seq 400); do [ -e here-2 ] && [ -e here-3 ] && break; sleep 0.05; done; {% endif %}sleep 0.2; date +%s.%N > end-{{ sheet_num }}"
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        #expect(try await fx.mzt("wait", "dag", "--timeout", "30").exitCode == 0)
        let ws = fx.workspace("dag-ws")
        func time(_ name: String) throws -> Double {
            try #require(Double(String(contentsOfFile: "\(ws)/\(name)", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        // 2 and 3 overlap (each waits until the other has started, at most 20 s); both start
        // after 1 ends; 4 starts after both end.
        #expect(try time("start-2") < time("end-3") && time("start-3") < time("end-2"))
        #expect(try time("start-2") >= time("end-1") && time("start-3") >= time("end-1"))
        #expect(try time("start-4") >= max(time("end-2"), time("end-3")))
    }

    @Test func failingValidationIsRetriedWithBackoffThenFailsAndSkipsDependents() async throws {
        let fx = try await JobFixture()
        let path = try fx.score("flaky", """
            name: flaky
            workspace: ./flaky-ws
            sheet: {size: 1, total_items: 3}
            prompt:
              template: "date +%s.%N >> attempts-{{ sheet_num }}.txt"
            validations:
              - {type: file_exists, path: "{workspace}/never-{sheet_num}.txt"}
            retry: {max_retries: 2, base_delay_seconds: 0.3, exponential_base: 2}
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        let wait = try await fx.mzt("wait", "flaky", "--timeout", "30")
        #expect(wait.exitCode == 1)
        #expect(wait.stdout.contains("failed"))
        let ws = fx.workspace("flaky-ws")
        let attempts = JobFixture.lines("\(ws)/attempts-1.txt").compactMap(Double.init)
        #expect(attempts.count == 3)
        if attempts.count == 3 {
            #expect(attempts[1] - attempts[0] >= 0.3)
            #expect(attempts[2] - attempts[1] >= 0.6)
        }
        let status = try await fx.status("flaky")
        #expect(status.job.status == .failed)
        #expect(status.sheets.map(\.status) == [.failed, .skipped, .skipped])
        #expect(status.sheets[0].attempts == 3)
        #expect(status.sheets[0].error?.contains("validation failed") == true)
        #expect(!FileManager.default.fileExists(atPath: "\(ws)/attempts-2.txt"))
    }

    @Test func sheetOverItsTimeoutIsKilledWithItsChildren() async throws {
        let fx = try await JobFixture(settings: "kill_grace_seconds: 1\n")
        let path = try fx.score("slow", """
            name: slow
            workspace: ./slow-ws
            backend: {type: command, timeout: 3s}
            prompt:
              template: "sleep 1000 & echo $! > child.pid; sleep 1000"
            """)
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        #expect(try await fx.mzt("wait", "slow", "--timeout", "30").exitCode == 1)
        let status = try await fx.status("slow")
        #expect(status.sheets.first?.error?.contains("timed out") == true)
        // Nothing the sheet started still runs in its workspace, the backgrounded child included.
        try await fx.conductor.waitUntil(timeout: 5) { JobFixture.processes(inside: fx.workspace("slow-ws")).isEmpty }
        if let pidText = try? String(contentsOfFile: fx.workspace("slow-ws") + "/child.pid", encoding: .utf8) {
            let pid = try #require(Int32(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(!JobFixture.isAlive(pid))
        }
    }

    @Test func concurrencyLimitQueuesTheExcessAndRunsItLater() async throws {
        let fx = try await JobFixture(settings: "max_concurrent_jobs: 1\n")
        let gate = fx.dir.file("gate")
        let first = try fx.score("first", """
            name: first
            workspace: ./q-ws
            prompt: {template: "while [ ! -e \(gate) ]; do sleep 0.05; done"}
            backend: {type: command}
            """)
        let second = try fx.score("second", """
            name: second
            workspace: ./q-ws
            prompt: {template: "echo second > second.txt"}
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", first).exitCode == 0)
        try await fx.waitForStatus("first") { $0.job.status == .running }
        let queued = try await fx.mzt("submit", second)
        #expect(queued.stdout.contains("pending, position 1"))
        let status = try await fx.status("second")
        #expect(status.job.status == .pending)
        #expect(status.job.queuePosition == 1)
        FileManager.default.createFile(atPath: gate, contents: nil)
        #expect(try await fx.mzt("wait", "second", "--timeout", "30").exitCode == 0)
        #expect(try await fx.status("first").job.status == .completed)
    }

    @Test func claudeBackendRunsTheAgentAndWaitsOutARateLimit() async throws {
        let bin = try TemporaryDirectory(prefix: "mzt-bin")
        defer { bin.remove() }
        let fake = bin.file("claude")
        try """
            #!/bin/bash
            # First call: rate limited. Later calls: keep the arguments and the prompt (stdin).
            if [ ! -e calls ]; then echo 1 > calls; echo "Error: rate limit exceeded, try later" >&2; exit 1; fi
            echo "args: $*" > agent-args.txt
            cat > agent-output.txt
            """.write(toFile: fake, atomically: true, encoding: .utf8)
        chmod(fake, 0o755)
        // The conductor finds `claude` on its PATH, like a user's would.
        let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let fx = try await JobFixture(environment: ["PATH": path])
        let score = try fx.score("agent", """
            name: agent
            workspace: ./agent-ws
            backend: {type: claude_cli, cli_args: ["--model", "test"], rate_limit_wait: 0.2s}
            prompt: {template: "Review sheet {{ sheet_num }}"}
            validations:
              - {type: content_contains, path: "{workspace}/agent-output.txt", pattern: "Review sheet 1"}
            """)
        #expect(try await fx.mzt("submit", score).exitCode == 0)
        let wait = try await fx.mzt("wait", "agent", "--timeout", "30")
        let shown = try await fx.mzt("status", "agent").stdout
        #expect(wait.exitCode == 0, "\(shown)")
        let arguments = try String(contentsOfFile: fx.workspace("agent-ws") + "/agent-args.txt", encoding: .utf8)
        #expect(arguments.contains("-p - --strict-mcp-config"), "the prompt goes through stdin")
        #expect(arguments.hasSuffix("--model test\n"), "backend.cli_args come last")
        // No retries were configured: the rate-limited attempt did not spend one.
        #expect(try await fx.status("agent").sheets.first?.attempts == 2)
    }

    @Test func unknownJobAndInvalidScoreGiveClearErrors() async throws {
        let fx = try await JobFixture()
        let missing = try await fx.mzt("status", "nope")
        #expect(missing.exitCode == 1)
        #expect(missing.stderr.contains("no job \"nope\""))
        let json = try await fx.mzt("wait", "nope", "--json")
        #expect(json.exitCode == 1)
        let bad = try fx.score("bad", """
            name: bad
            workspace: ./bad-ws
            sheet: {size: 1, total_items: two}
            prompt: {template: "echo {{ nope }}"}
            colour: red
            backend: {type: command}
            """)
        let submit = try await fx.mzt("submit", bad)
        #expect(submit.exitCode == 65)
        #expect(submit.stderr.contains("line 3"))
        #expect(submit.stderr.contains("line 5"))
    }

    @Test func resubmittingAnActiveIDIsRefusedAndATerminalOneRunsAgain() async throws {
        let fx = try await JobFixture()
        let gate = fx.dir.file("gate")
        let path = try fx.score("again", """
            name: again
            workspace: ./again-ws
            prompt: {template: "echo run >> runs.txt; while [ ! -e \(gate) ]; do sleep 0.05; done"}
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        let refused = try await fx.mzt("submit", path)
        #expect(refused.exitCode == 1)
        #expect(refused.stderr.contains("mzt resume again") || refused.stderr.contains("mzt cancel again"))
        let other = try await fx.mzt("submit", path, "--id", "again-2")
        #expect(other.exitCode == 0)
        FileManager.default.createFile(atPath: gate, contents: nil)
        #expect(try await fx.mzt("wait", "again").exitCode == 0)
        #expect(try await fx.mzt("wait", "again-2").exitCode == 0)
        // A finished id runs again only when asked to replace it (CLIJobTextTests has the refusal).
        #expect(try await fx.mzt("submit", path, "--replace", "--wait").exitCode == 0)
        #expect(JobFixture.lines(fx.workspace("again-ws") + "/runs.txt").count == 3)
    }
}
