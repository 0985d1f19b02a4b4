import Foundation
import MarianneCore
import MarianneProtocol
import MarianneTestSupport
import Testing

/// Agent sheets end to end: a real conductor with the fake agents (Tests/Fixtures/agents) on
/// its PATH, each reading its argv and stdin as the real tool does.
struct InstrumentTests {
    /// Credentials of two vendors and one unrelated secret, in the conductor's environment.
    static let environment = [
        "PATH": FakeAgents.path, "ANTHROPIC_API_KEY": "sk-ant-test", "OPENAI_API_KEY": "sk-openai-test", "UNRELATED_SECRET": "hidden",
    ]

    static let builtins: [(instrument: String, tool: String)] = [
        ("claude-code", "claude"), ("codex-cli", "codex"), ("gemini-cli", "gemini"), ("aider", "aider"), ("goose", "goose"),
        ("cline-cli", "cline"), ("crush", "crush"), ("opencode", "opencode"),
    ]

    /// What each builtin's program is called with, in Marianne's order (subcommand,
    /// auto-approve, output format, model, timeout, working folder, prompt flag, MCP, extra
    /// flags); the prompt goes through stdin for all of them.
    static func expectedArguments(workspace: String) -> [String: [String]] {
        [
            "claude": [
                "--dangerously-skip-permissions", "--output-format", "json", "--model", "sonnet", "-p", "-", "--strict-mcp-config",
                "--mcp-config", "{\"mcpServers\":{}}",
            ],
            "codex": ["exec", "--full-auto", "--json", "--skip-git-repo-check"],
            "gemini": ["--yolo", "-o", "json", "-m", "gemini-2.5-pro", "--sandbox", "false"],
            "aider": ["--yes-always", "--message-file", "/dev/stdin", "--no-stream", "--no-pretty", "--no-check-update"],
            "goose": ["run", "--output-format", "json", "-i", "-", "--no-session", "--quiet"],
            "cline": ["--yolo", "--json", "--timeout", "1800"],
            "crush": ["run", "--yolo", "--cwd", workspace, "--quiet"],
            "opencode": ["run", "--dangerously-skip-permissions", "--format", "json"],
        ]
    }

    @Test func everyBuiltinGetsItsArgumentsStdinAndOnlyItsCredentials() async throws {
        let fx = try await JobFixture(environment: Self.environment)
        let map = Self.builtins.enumerated().map { "\($0.offset + 1): \($0.element.instrument)" }.joined(separator: ", ")
        let path = try fx.score("band", """
            name: band
            workspace: ./band-ws
            sheet:
              size: 1
              total_items: \(Self.builtins.count)
              per_sheet_instruments: {\(map)}
              per_sheet_instrument_config: {1: {model: sonnet}}
            prompt:
              template: |
                Task {{ sheet_num }}
                @write out-{{ sheet_num }}.txt done
                @result answer {{ sheet_num }}
            validations:
              - {type: file_exists, path: "{workspace}/out-{sheet_num}.txt"}
            """)
        let submitted = try await fx.mzt("submit", path, "--wait")
        let status = try await fx.status("band")
        #expect(submitted.exitCode == 0, "\(status.sheets.map { "\($0.number) \($0.instrument ?? "-"): \($0.error ?? "")" })")
        let records = fx.workspace("band-ws") + "/.fake-agent"
        let expected = Self.expectedArguments(workspace: status.job.workspace)
        for (offset, builtin) in Self.builtins.enumerated() {
            let number = offset + 1
            let sheet = status.sheets[offset]
            #expect(sheet.status == .completed && sheet.instrument == builtin.instrument, "sheet \(number): \(sheet.error ?? "")")
            let calls = FakeAgents.calls(in: records, tool: builtin.tool)
            #expect(calls.count == 1, "\(builtin.tool) is called once")
            guard let call = calls.first else { continue }
            // Marianne's assembled prompt, on stdin, never in argv.
            #expect(call.stdin.hasPrefix("<marianne-preamble>") && call.stdin.contains("Task \(number)"), "\(builtin.tool): \(call.stdin.prefix(80))")
            #expect(call.stdin.contains("## Success Requirements") && call.stdin.contains("out-\(number).txt"))
            #expect(!call.argv.contains { $0.contains("Task \(number)") }, "\(builtin.tool) gets no prompt in argv: \(call.argv)")
            #expect(call.argv == expected[builtin.tool], "\(builtin.tool)")
            #expect(!call.environment.contains("UNRELATED_SECRET"), "\(builtin.tool) sees only its own credentials")
            #expect(call.environment.contains("MZT_SHEET_NUM"))
        }
        let claude = FakeAgents.calls(in: records, tool: "claude").first
        #expect(claude?.environment.contains("ANTHROPIC_API_KEY") == true && claude?.environment.contains("OPENAI_API_KEY") == false)
        let codex = FakeAgents.calls(in: records, tool: "codex").first
        #expect(codex?.environment.contains("OPENAI_API_KEY") == true && codex?.environment.contains("ANTHROPIC_API_KEY") == false)
        // The JSON answer is the sheet's output; tokens and the model's prices are in status --json.
        let first = status.sheets[0]
        #expect(first.output == "answer 1")
        #expect(first.inputTokens == 1200 && first.outputTokens == 300 && first.model == "sonnet")
        #expect(abs((first.costUSD ?? 0) - 0.0081) < 1e-9, "1200 in at $0.003/1k + 300 out at $0.015/1k")
        #expect((status.inputTokens ?? 0) >= 1200 && (status.costUSD ?? 0) >= 0.0081)
        #expect(first.attemptLog?.map(\.outcome) == ["completed"])
        let human = try await fx.mzt("status", "band").stdout
        #expect(human.contains("INSTRUMENT") && human.contains("claude-code") && human.contains("$0.0081"))
        let logs = try await fx.mzt("logs", "band", "--output", "--sheet", "1").stdout
        #expect(logs.contains("answer 1"))
    }

    @Test func aScoreWithNoInstrumentCallsClaudeAsClaudeCodeDoes() async throws {
        let fx = try await JobFixture(environment: Self.environment)
        let path = try fx.score("plain", """
            name: plain
            workspace: ./plain-ws
            prompt: {template: "Write the note.\\n@write note.txt hi"}
            """)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        let call = try #require(FakeAgents.calls(in: fx.workspace("plain-ws") + "/.fake-agent").first)
        #expect(call.tool == "claude")
        #expect(call.argv == ["--dangerously-skip-permissions", "--output-format", "json", "-p", "-", "--strict-mcp-config", "--mcp-config", "{\"mcpServers\":{}}"])
        #expect(call.stdin.contains("Write the note."))
        let status = try await fx.status("plain")
        #expect(status.sheets[0].instrument == "claude-code" && status.inputTokens == 1200 && status.outputTokens == 300)
    }

    @Test func anAuthErrorOrAMissingProgramFailsAtOnceWithWhatToDo() async throws {
        let fx = try await JobFixture(environment: Self.environment)
        let denied = try fx.score("denied", """
            name: denied
            workspace: ./denied-ws
            backend: {env: {FAKE_AGENT_MODE: auth}}
            retry: {max_retries: 3, base_delay_seconds: 5}
            prompt: {template: "hello"}
            """)
        let started = ContinuousClock.now
        #expect(try await fx.mzt("submit", denied, "--wait").exitCode == 1)
        #expect(ContinuousClock.now - started < .seconds(30), "no retries and no backoff")
        let sheet = try await fx.status("denied").sheets[0]
        #expect(sheet.attempts == 1 && sheet.status == .failed)
        #expect(sheet.error?.contains("claude-code failed to authenticate") == true, "\(sheet.error ?? "")")
        #expect(sheet.error?.contains("mzt instruments check claude-code") == true)
        let missing = try fx.score("missing", """
            name: missing
            workspace: ./missing-ws
            instrument: claude-code
            instrument_config: {executable: no-such-claude}
            retry: {max_retries: 3, base_delay_seconds: 5}
            prompt: {template: "hello"}
            """)
        #expect(try await fx.mzt("submit", missing, "--wait").exitCode == 1)
        let lost = try await fx.status("missing").sheets[0]
        #expect(lost.attempts == 1)
        #expect(lost.error?.contains("install it on the conductor's PATH") == true, "\(lost.error ?? "")")
    }

    @Test func aFallbackTakesOverWhenThePrimaryFailsToAuthenticate() async throws {
        let fx = try await JobFixture(environment: Self.environment)
        let script = try FakeAgents.script(fx.dir, "modes", ["auth", "ok"])
        let path = try fx.score("backup", """
            name: backup
            workspace: ./backup-ws
            instrument: claude-code
            instrument_fallbacks: [gemini-cli]
            backend: {env: {FAKE_AGENT_SCRIPT: \(script)}}
            prompt: {template: "Do it.\\n@write done.txt yes"}
            validations:
              - {type: file_exists, path: "{workspace}/done.txt"}
            """)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        let sheet = try await fx.status("backup").sheets[0]
        #expect(sheet.instrument == "gemini-cli")
        #expect(sheet.attemptLog?.map { "\($0.instrument) \($0.outcome)" } == ["claude-code auth", "gemini-cli completed"])
        #expect(FakeAgents.calls(in: fx.workspace("backup-ws") + "/.fake-agent", tool: "gemini").count == 1)
        // A primary whose program is missing: a score-local alias, then the fallback's own alias.
        let spare = try fx.score("spare", """
            name: spare
            workspace: ./spare-ws
            instruments:
              broken: {profile: claude-code, config: {executable: no-such-claude}}
              backup: {profile: codex-cli, config: {model: o3}}
            instrument: broken
            instrument_fallbacks: [backup]
            prompt: {template: "Do it."}
            """)
        #expect(try await fx.mzt("submit", spare, "--wait").exitCode == 0)
        let played = try await fx.status("spare").sheets[0]
        #expect(played.attemptLog?.map { "\($0.instrument) \($0.outcome)" } == ["claude-code not_found", "codex-cli completed"])
        #expect(played.model == "o3")
        let codex = try #require(FakeAgents.calls(in: fx.workspace("spare-ws") + "/.fake-agent", tool: "codex").first)
        #expect(codex.argv.contains("o3"), "the fallback alias's config applies: \(codex.argv)")
    }

    @Test func aRateLimitHoldsEveryJobOnTheInstrumentUntilItIsCleared() async throws {
        let fx = try await JobFixture(settings: "max_concurrent_jobs: 4\n", environment: Self.environment)
        let script = try FakeAgents.script(fx.dir, "modes", ["rate_limit_exit0", "ok"])
        let first = try fx.score("first", """
            name: first
            workspace: ./first-ws
            rate_limit: {wait_minutes: 60, max_waits: 2}
            backend: {env: {FAKE_AGENT_SCRIPT: \(script)}}
            prompt: {template: "one"}
            """)
        let second = try fx.score("second", """
            name: second
            workspace: ./second-ws
            prompt: {template: "two"}
            """)
        #expect(try await fx.mzt("submit", first).exitCode == 0)
        // The first job's attempt hits the limit (on stdout, exit 0): the conductor holds claude-code back.
        try await fx.conductor.waitUntil(timeout: 30) {
            let shown = try await fx.mzt("conductor-status", "--json").stdout
            return shown.contains("\"rate_limits\"")
        }
        #expect(try await fx.mzt("submit", second).exitCode == 0)
        try await fx.waitForStatus("second", timeout: 30) { $0.sheets.first?.error?.contains("waiting: claude-code is rate limited") == true }
        #expect(FakeAgents.calls(in: fx.workspace("second-ws") + "/.fake-agent").isEmpty, "the other job's sheet waits, without calling the tool")
        let human = try await fx.mzt("conductor-status").stdout
        #expect(human.contains("rate limited: claude-code until") && human.contains("mzt clear-rate-limits claude-code"), "\(human)")
        let cleared = try await fx.mzt("clear-rate-limits", "claude-code")
        #expect(cleared.exitCode == 0 && cleared.stdout.contains("rate limit cleared: claude-code"))
        #expect(try await fx.mzt("wait", "first", "--timeout", "30").exitCode == 0)
        #expect(try await fx.mzt("wait", "second", "--timeout", "30").exitCode == 0)
        // The limited attempt spent no retry: one limited attempt, then the answer.
        #expect(try await fx.status("first").sheets[0].attemptLog?.map(\.outcome) == ["rate_limit", "completed"])
        #expect(try await fx.mzt("clear-rate-limits").stdout.contains("no rate limit"))
    }

    @Test func aCostLimitStopsTheJobWithTheReason() async throws {
        let fx = try await JobFixture(environment: Self.environment)
        let path = try fx.score("spendy", """
            name: spendy
            workspace: ./spendy-ws
            instrument_config: {model: sonnet}
            cost_limits: {enabled: true, max_cost_per_job: 0.01}
            sheet: {size: 1, total_items: 3}
            prompt: {template: "sheet {{ sheet_num }}"}
            """)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode != 0)
        let status = try await fx.status("spendy")
        #expect(status.job.status == .stopped, "\(status.job)")
        #expect(status.job.error?.contains("cost limit reached") == true, "\(status.job.error ?? "")")
        // $0.0081 per attempt: the second passes the $0.01 limit, the third never runs.
        #expect(status.sheets.map(\.status) == [.completed, .completed, .pending])
        #expect(FakeAgents.calls(in: fx.workspace("spendy-ws") + "/.fake-agent").count == 2)
    }

    @Test func aStaleAttemptIsKilledAndRetried() async throws {
        let fx = try await JobFixture(environment: Self.environment)
        let script = try FakeAgents.script(fx.dir, "modes", ["hang", "ok"])
        // Fifteen seconds of silence: the second attempt's agent must start and answer within
        // them even while the whole suite loads both cores.
        let path = try fx.score("quiet", """
            name: quiet
            workspace: ./quiet-ws
            stale_detection: {enabled: true, idle_timeout_seconds: 15, check_interval_seconds: 0.5}
            retry: {max_retries: 1, base_delay_seconds: 0.1}
            backend: {env: {FAKE_AGENT_SCRIPT: \(script)}}
            prompt: {template: "wait"}
            """)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        let sheet = try await fx.status("quiet").sheets[0]
        #expect(sheet.attemptLog?.map(\.outcome) == ["stale", "completed"])
        let calls = FakeAgents.calls(in: fx.workspace("quiet-ws") + "/.fake-agent")
        #expect(calls.count == 2)
        // The silent attempt's process was killed, not left behind.
        let hung = try #require(calls.first)
        #expect(hung.pid > 0 && !JobFixture.isAlive(hung.pid))
        #expect(JobFixture.processes(inside: fx.workspace("quiet-ws")) == [])
        #expect(sheet.error == nil)
    }

    @Test func aJobRunsInItsOwnGitWorktree() async throws {
        let fx = try await JobFixture(environment: Self.environment)
        let repo = fx.dir.path
        for arguments in [["init", "-q", "-b", "main"], ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "start"]] {
            let git = try await TestConductor.run("/usr/bin/git", ["-C", repo] + arguments)
            try #require(git.exitCode == 0, "\(git.stderr)")
        }
        let path = try fx.score("isolated", """
            name: isolated
            workspace: ./isolated-ws
            isolation: {enabled: true, mode: worktree, cleanup_on_success: false}
            prompt: {template: "Work here.\\n@write made-here.txt yes"}
            """)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        let checkpoint = try fx.checkpoint("isolated", workspace: fx.workspace("isolated-ws"))
        let worktree = try #require(checkpoint.worktree)
        #expect(worktree.branch == "marianne/isolated")
        #expect(RealPath.resolve(worktree.path) == RealPath.resolve(repo + "/.worktrees/isolated"))
        #expect(FileManager.default.fileExists(atPath: worktree.path + "/made-here.txt"), "the agent ran in the worktree")
        #expect(!FileManager.default.fileExists(atPath: fx.workspace("isolated-ws") + "/made-here.txt"))
        let branches = try await TestConductor.run("/usr/bin/git", ["-C", repo, "branch", "--list", "marianne/*"])
        #expect(branches.stdout.contains("marianne/isolated"))
    }

    @Test func successRequirementsAndTheCompletionPromptReachTheAgent() async throws {
        let fx = try await JobFixture(environment: Self.environment)
        let path = try fx.score("finish", """
            name: finish
            workspace: ./finish-ws
            retry: {max_retries: 0, completion_delay_seconds: 0.1}
            prompt:
              template: |
                Write both files.
                @write first.txt one
                @write-on-retry second.txt two
            validations:
              - {type: file_exists, path: "{workspace}/first.txt", description: "The first file"}
              - {type: file_exists, path: "{workspace}/second.txt", description: "The second file"}
            """)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        let calls = FakeAgents.calls(in: fx.workspace("finish-ws") + "/.fake-agent", tool: "claude")
        try #require(calls.count == 2)
        let ws = RealPath.resolve(fx.workspace("finish-ws"))
        #expect(calls[0].stdin.contains("## Success Requirements (Validated Automatically)"))
        #expect(calls[0].stdin.contains("Create file: `\(ws)/second.txt`"), "\(calls[0].stdin)")
        #expect(!calls[0].stdin.contains("COMPLETION MODE"))
        #expect(calls[1].stdin.contains("## COMPLETION MODE - Sheet 1"))
        #expect(calls[1].stdin.contains("[CREATED] The first file") && calls[1].stdin.contains("The second file"))
        let sheet = try await fx.status("finish").sheets[0]
        #expect(sheet.attemptLog?.map(\.outcome) == ["validation", "completed"], "no retry was spent: max_retries is 0")
    }
}
