import Foundation
import MarianneCore
import MarianneProtocol
import MarianneTestSupport
import Testing

/// More agent sheets end to end with the fakes: overloads, timeouts, a model's
/// `max_concurrent` across jobs, and the answer (not the raw JSON) reaching later sheets.
struct InstrumentLimitsTests {
    @Test func anOverloadIsRetriedWithoutSpendingARetry() async throws {
        let fx = try await JobFixture(environment: InstrumentTests.environment)
        let script = try FakeAgents.script(fx.dir, "modes", ["overload", "ok"])
        let path = try fx.score("busy", """
            name: busy
            workspace: ./busy-ws
            retry: {max_retries: 0, base_delay_seconds: 0.1}
            backend: {env: {FAKE_AGENT_SCRIPT: \(script)}}
            prompt: {template: "hello"}
            """)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        let sheet = try await fx.status("busy").sheets[0]
        #expect(sheet.attemptLog?.map(\.outcome) == ["capacity", "completed"], "max_retries is 0: the overload spent none")
    }

    @Test func aShellSheetPlaysCliWithNoTokensOrCost() async throws {
        let fx = try await JobFixture(environment: InstrumentTests.environment)
        let path = try fx.score("shell", "name: shell\nworkspace: ./shell-ws\ninstrument: cli\nprompt: {template: \"echo hi\"}\n")
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        let status = try await fx.status("shell")
        #expect(status.sheets[0].instrument == "cli" && status.sheets[0].output == "hi\n")
        #expect(status.inputTokens == nil && status.costUSD == nil && status.sheets[0].costUSD == nil)
        #expect(!(try await fx.mzt("status", "shell").stdout.contains("tokens:")))
    }

    @Test func theSheetsSettingsBecomeTheToolsFlags() async throws {
        let fx = try await JobFixture(environment: InstrumentTests.environment)
        let path = try fx.score("tuned", """
            name: tuned
            workspace: ./tuned-ws
            instrument: claude-code
            instrument_config:
              model: opus
              allowed_tools: [Read, Write]
              system_prompt: "Be brief."
              cli_extra_args: ["--max-turns", "3"]
              skip_permissions: false
              disable_mcp: false
            prompt: {template: "hello"}
            """)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        let call = try #require(FakeAgents.calls(in: fx.workspace("tuned-ws") + "/.fake-agent").first)
        #expect(call.argv == [
            "--output-format", "json", "--model", "opus", "-p", "-", "--system-prompt", "Be brief.", "--allowedTools", "Read,Write", "--max-turns", "3",
        ])
        let sheet = try await fx.status("tuned").sheets[0]
        #expect(abs((sheet.costUSD ?? 0) - (1.2 * 0.015 + 0.3 * 0.075)) < 1e-9, "opus's prices")
    }

    @Test func theCircuitBreakerRestsAFailingInstrumentThenProbesIt() async throws {
        let fx = try await JobFixture(environment: InstrumentTests.environment)
        let script = try FakeAgents.script(fx.dir, "modes", ["fail", "fail", "ok"])
        let path = try fx.score("flaky", """
            name: flaky
            workspace: ./flaky-ws
            circuit_breaker: {failure_threshold: 2, recovery_timeout_seconds: 1.5}
            retry: {max_retries: 3, base_delay_seconds: 0.1, max_delay_seconds: 0.1}
            backend: {env: {FAKE_AGENT_SCRIPT: \(script)}}
            prompt: {template: "hello"}
            """)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        let records = fx.workspace("flaky-ws") + "/.fake-agent"
        let started = try FileManager.default.contentsOfDirectory(atPath: records).filter { $0.hasSuffix(".json") }.sorted().map { name -> Double in
            let entry = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: records + "/" + name))) as? [String: Any])
            return entry["started"] as? Double ?? 0
        }.sorted()
        try #require(started.count == 3)
        #expect(started[2] - started[1] >= 1.4, "the probe waits out the open circuit: \(started)")
        let logs = try await fx.mzt("logs", "flaky").stdout
        #expect(logs.contains("claude-code failed 2 times in a row: its circuit opens for"), "\(logs)")
    }

    @Test func aHungAgentTimesOutAsATimeout() async throws {
        let fx = try await JobFixture(environment: InstrumentTests.environment)
        let path = try fx.score("stuck", """
            name: stuck
            workspace: ./stuck-ws
            instrument_config: {timeout_seconds: 2}
            backend: {env: {FAKE_AGENT_MODE: hang}}
            prompt: {template: "hello"}
            """)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 1)
        let sheet = try await fx.status("stuck").sheets[0]
        #expect(sheet.error?.contains("timed out after 2s") == true, "\(sheet.error ?? "")")
        #expect(sheet.attemptLog?.map(\.outcome) == ["timeout"])
        // On a loaded machine the agent may be killed before it got as far as recording its call;
        // either way nothing of it may still run in the workspace.
        #expect(JobFixture.processes(inside: fx.workspace("stuck-ws")) == [], "the hung agent was killed")
        if let call = FakeAgents.calls(in: fx.workspace("stuck-ws") + "/.fake-agent").first {
            #expect(!JobFixture.isAlive(call.pid), "the hung agent was killed")
        }
    }

    @Test func aModelsMaxConcurrentHoldsSheetsOfEveryJob() async throws {
        let fx = try await JobFixture(settings: "max_concurrent_jobs: 4\n", environment: InstrumentTests.environment)
        // A profile of the conductor's home: Claude Code on a model that takes one sheet at a time.
        let folder = fx.conductor.home + "/instruments"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try """
            name: solo
            display_name: "Claude, one at a time"
            kind: cli
            default_model: single
            models:
              - {name: single, context_window: 200000, cost_per_1k_input: 0.001, cost_per_1k_output: 0.002, max_concurrent: 1}
            cli:
              command: {executable: claude, prompt_flag: "-p", prompt_via_stdin: true, stdin_sentinel: "-", model_flag: "--model",
                        output_format_flag: "--output-format", output_format_value: json, required_env: [ANTHROPIC_API_KEY]}
              output: {format: json, result_path: result, input_tokens_path: usage.input_tokens, output_tokens_path: usage.output_tokens}
            """.write(toFile: folder + "/solo.yaml", atomically: true, encoding: .utf8)
        let record = fx.dir.file("calls")
        for name in ["one", "two"] {
            let path = try fx.score(name, """
                name: \(name)
                workspace: ./\(name)-ws
                instrument: solo
                sheet: {size: 1, total_items: 2}
                parallel: {max_concurrent: 2}
                backend: {env: {FAKE_AGENT_MODE: "slow:0.4", FAKE_AGENT_RECORD: \(record)}}
                prompt: {template: "sheet {{ sheet_num }}"}
                """)
            #expect(try await fx.mzt("submit", path).exitCode == 0)
        }
        #expect(try await fx.mzt("wait", "one", "--timeout", "60").exitCode == 0)
        #expect(try await fx.mzt("wait", "two", "--timeout", "60").exitCode == 0)
        let spans = try FileManager.default.contentsOfDirectory(atPath: record).filter { $0.hasSuffix(".json") }.map { name -> (Double, Double) in
            let entry = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: record + "/" + name))) as? [String: Any])
            return (entry["started"] as? Double ?? 0, entry["finished"] as? Double ?? .infinity)
        }.sorted { $0.0 < $1.0 }
        #expect(spans.count == 4)
        for (earlier, later) in zip(spans, spans.dropFirst()) {
            #expect(earlier.1 <= later.0, "one sheet at a time on the model, across both jobs: \(spans)")
        }
        let status = try await fx.status("one")
        #expect(status.sheets.allSatisfy { $0.model == "single" && $0.instrument == "solo" })
        #expect(abs((status.costUSD ?? 0) - 2 * (1.2 * 0.001 + 0.3 * 0.002)) < 1e-9, "the user profile's prices")
    }

    @Test func theAnswerNotTheRawOutputReachesLaterSheets() async throws {
        let fx = try await JobFixture(environment: InstrumentTests.environment)
        let path = try fx.score("relay", """
            name: relay
            workspace: ./relay-ws
            sheet: {size: 1, total_items: 2}
            cross_sheet: {auto_capture_stdout: true}
            prompt:
              template: |
                {% if sheet_num == 1 %}@result the baton{% else %}Earlier: [{{ previous_outputs[1] | trim }}]{% endif %}
            """)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        let calls = FakeAgents.calls(in: fx.workspace("relay-ws") + "/.fake-agent", tool: "claude")
        try #require(calls.count == 2)
        #expect(calls[1].stdin.contains("Earlier: [the baton]"), "\(calls[1].stdin)")
        #expect(try await fx.status("relay").sheets[0].output == "the baton")
    }
}
