import Foundation
import MarianneCore
import Testing

/// Marianne's prompt assembly for agents: preamble, template, Success Requirements, failure
/// history, completion prompt; shell instruments get the template alone.
struct InstrumentPromptTests {
    let yaml = """
        name: p
        workspace: /tmp/p-ws
        instrument: claude-code
        sheet: {size: 1, total_items: 2}
        prompt:
          template: "Write the report for part {{ sheet_num }}."
          prompt_extensions: ["Be brief."]
        validations:
          - {type: file_exists, path: "{workspace}/report-{sheet_num}.md", description: The report exists}
          - {type: content_contains, path: "{workspace}/report-{sheet_num}.md", pattern: "Part {sheet_num}"}
          - {type: command_succeeds, command: "test -s {workspace}/summary.md", condition: "sheet_num == 2"}
        """

    @Test func aFirstAttemptIsPreambleTemplateRequirementsExtensionsInThatOrder() throws {
        let loaded = try Scores.load(yaml)
        let prompt = try SheetPrompt.render(loaded, sheet: loaded.sheets[0], jobID: "p")
        let text = prompt.text
        #expect(text.hasPrefix("<marianne-preamble>\nYou are sheet 1 of 2 in a Marianne concert.\nWorkspace: /tmp/p-ws\n"))
        let order = ["</marianne-preamble>", "Write the report for part 1.", "## Success Requirements (Validated Automatically)", "Be brief."]
        let positions = order.map { text.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        #expect(text.contains("1. **The report exists**\n   - Create file: `/tmp/p-ws/report-1.md`"))
        #expect(text.contains("   - File: `/tmp/p-ws/report-1.md`\n   - Must contain exactly: `Part 1`"))
        #expect(!text.contains("summary.md"), "a rule whose condition excludes the sheet is not listed")
        let second = try SheetPrompt.render(loaded, sheet: loaded.sheets[1], jobID: "p").text
        #expect(second.contains("Command must succeed: `test -s /tmp/p-ws/summary.md`"))
        #expect(second.contains("report-2.md"))
        #expect(prompt.failureHistory == nil && prompt.completion == nil)
    }

    @Test func aRetryTellsTheAgentWhatFailedBefore() throws {
        let loaded = try Scores.load(yaml)
        let past = PastAttempt(attempt: 1, failure: "validation failed", validations: [
            ValidationOutcome(type: "file_exists", description: "The report exists", stage: 1, passed: false, message: "/tmp/p-ws/report-1.md does not exist"),
        ])
        let text = try SheetPrompt.render(loaded, sheet: loaded.sheets[0], jobID: "p", attempt: PromptAttempt(number: 2, history: [past])).text
        #expect(text.hasPrefix("<marianne-preamble>\nRETRY #1\nYou are sheet 1 of 2"))
        #expect(text.contains("## Lessons From Previous Attempts"))
        #expect(text.contains("**Sheet 1, attempt 1** [VALIDATION FAILED]\n   - The report exists\n   - Issue: /tmp/p-ws/report-1.md does not exist"))
        let history = try #require(text.range(of: "## Lessons From Previous Attempts"))
        let requirements = try #require(text.range(of: "## Success Requirements"))
        #expect(history.lowerBound < requirements.lowerBound, "failure history comes before the requirements")
    }

    @Test func aCompletionAttemptNamesWhatPassedAndWhatFailed() throws {
        let loaded = try Scores.load(yaml)
        let previous = [
            ValidationOutcome(type: "file_exists", description: "The report exists", stage: 1, passed: true),
            ValidationOutcome(type: "content_contains", description: "content_contains /tmp/p-ws/report-1.md", stage: 1, passed: false,
                              message: "/tmp/p-ws/report-1.md does not contain \"Part 1\""),
        ]
        let attempt = PromptAttempt(number: 2, completion: .init(attempt: 1, maxAttempts: 5, previous: previous))
        let prompt = try SheetPrompt.render(loaded, sheet: loaded.sheets[0], jobID: "p", attempt: attempt)
        let completion = try #require(prompt.completion)
        #expect(completion.hasPrefix("## COMPLETION MODE - Sheet 1\n\nThis is completion attempt 1 of 5."))
        #expect(completion.contains("### ALREADY COMPLETED (DO NOT REDO)"))
        #expect(completion.contains("  - [CREATED] The report exists"))
        #expect(completion.contains("### INCOMPLETE ITEMS (FOCUS HERE)"))
        #expect(completion.contains("  1. [CONTENT MISSING] content_contains /tmp/p-ws/report-1.md\n     Why: /tmp/p-ws/report-1.md does not contain \"Part 1\""))
        let text = prompt.text
        #expect(text.range(of: "## Success Requirements")!.lowerBound < text.range(of: "## COMPLETION MODE")!.lowerBound)
        #expect(prompt.failureHistory == nil, "a completion attempt is told what is left, not the failure list")
    }

    @Test func aShellInstrumentGetsTheTemplateAlone() throws {
        let loaded = try Scores.load("name: s\ninstrument: cli\nprompt: {template: \"echo {{ sheet_num }}\", prompt_extensions: [x]}\nvalidations: [{type: file_exists, path: \"{workspace}/a\"}]\n")
        let prompt = try SheetPrompt.render(loaded, sheet: loaded.sheets[0], jobID: "s", attempt: PromptAttempt(number: 3))
        #expect(prompt.raw && prompt.text == "echo 1")
    }

    @Test func withoutAnInstrumentAScoreIsAClaudeCodeScoreAsInMarianne() throws {
        let loaded = try Scores.load("name: d\nprompt: {template: \"Say hi.\"}\n")
        #expect(InstrumentResolver.resolve(loaded.score, sheet: loaded.sheets[0]).name == "claude-code")
        #expect(try SheetPrompt.render(loaded, sheet: loaded.sheets[0], jobID: "d").text.hasPrefix("<marianne-preamble>"))
        let legacy = try Scores.load("name: l\nbackend: {type: command}\nprompt: {template: \"echo hi\"}\n")
        #expect(InstrumentResolver.resolve(legacy.score, sheet: legacy.sheets[0]).name == "cli")
        let plan = ScorePlan.make(loaded, jobID: "d")
        #expect(plan.sheets[0].command == ["claude", "--dangerously-skip-permissions", "--output-format", "json", "-p", "-", "--strict-mcp-config", "--mcp-config", #"{"mcpServers":{}}"#])
        #expect(plan.sheets[0].promptOnStdin == true)
        #expect(plan.sheets[0].timeoutSeconds == 1800)
    }
}
