import MarianneCore
import Testing

/// `skip_when` expressions and `skip_when_command`, with Marianne's semantics.
struct SkipRulesTests {
    func states() -> [SheetState] {
        var first = SheetState(number: 1, status: .completed)
        first.validations = [ValidationOutcome(type: "file_exists", description: "a", stage: 1, passed: true)]
        first.attempts = 2
        var second = SheetState(number: 2, status: .failed)
        second.exitCode = 3
        second.error = "exit code 3"
        second.validations = [ValidationOutcome(type: "file_exists", description: "b", stage: 1, passed: false)]
        return [first, second, SheetState(number: 3)]
    }

    @Test(arguments: [
        ("sheets.get(1) and sheets[1].validation_passed", true),
        ("sheets.get(2) and sheets[2].validation_passed", false),
        ("sheets.get(9)", false),
        ("sheets[2].status == 'failed' and sheets[2].exit_code == 3", true),
        ("sheets[1].attempt_count > 1 or False", true),
        ("not sheets[3].status in ['completed', 'skipped']", true),
        ("sheets[3].validation_passed is None", true),
        ("len([s for s in sheets])", false),
        ("job.total_sheets == 3 and job.job_id == 'j'", true),
        ("'exit' in sheets[2].error_message", true),
        ("sheets[1].status.startswith('comp') if sheets.get(1) else True", true),
        ("1 < 2 < 3 and 7 // 2 == 3 and -7 % 3 == 2", true),
    ] as [(String, Bool)])
    func expressions(expression: String, skips: Bool) {
        var job = JobCheckpoint(jobID: "j", name: "j", configHash: "", configSnapshot: "", configPath: nil, workspace: "/", totalSheets: 3, sheets: states())
        job.lastCompletedSheet = 1
        let decision = SkipRules.evaluate(expression, states: states(), job: job)
        if expression.hasPrefix("len(") {
            guard case .runAfterError = decision else { Issue.record("expected an error for \(expression), got \(decision)"); return }
            return
        }
        #expect(decision.skips == skips, "\(expression): \(decision)")
    }

    @Test func errorsRunTheSheet() {
        for expression in ["sheets[9].status", "nosuch", "sheets[1].nope", "1 +", "'a' * 9999999999", "2 ** 3", "9223372036854775807 + 1", "1 / 0"] {
            let decision = SkipRules.evaluate(expression, states: states())
            guard case .runAfterError = decision else {
                Issue.record("\(expression) should fail open, got \(decision)")
                continue
            }
        }
        #expect(SkipRules.evaluate(String(repeating: "(", count: 500) + "1" + String(repeating: ")", count: 500), states: []) != .skip)
    }

    @Test func theCommandIsExpandedSafelyAndOnlyExitZeroSkips() throws {
        let loaded = try Scores.load("""
            name: s
            workspace: "/w s"
            sheet: {total_items: 2, skip_when_command: {2: {command: "grep -q done \\"{workspace}/plan.md\\"", description: plan done, timeout_seconds: 5}}}
            prompt: {template: x}
            """)
        #expect(SkipRules.command(forSheet: loaded.sheets[0], in: loaded, jobID: "s") == nil)
        let command = try #require(SkipRules.command(forSheet: loaded.sheets[1], in: loaded, jobID: "s"))
        #expect(command.command.text == "grep -q done \"${MZT_V_workspace}/plan.md\"")
        #expect(command.command.environment == ["MZT_V_workspace": "/w s"])
        #expect(command.timeoutSeconds == 5 && command.workingDirectory == "/w s" && command.description == "plan done")
        #expect(SkipRules.skips(exitCode: 0, timedOut: false))
        #expect(!SkipRules.skips(exitCode: 1, timedOut: false))
        #expect(!SkipRules.skips(exitCode: 0, timedOut: true))
        #expect(!SkipRules.skips(exitCode: nil, timedOut: false))
    }
}
