import MarianneCore
import Testing

/// A sheet's template variables, with Marianne's names and values.
struct SheetVariablesTests {
    @Test func bothVocabulariesOfFanOut() throws {
        let loaded = try Scores.load("name: v\nworkspace: /ws\nsheet: {size: 1, total_items: 3, fan_out: {2: 2}}\nprompt: {template: x}\n")
        let solo = SheetVariables.make(loaded, sheet: loaded.sheets[0], jobID: "j")
        #expect(solo["movement"] == .int(1) && solo["voice"] == .int(1) && solo["voice_count"] == .int(1))
        #expect(solo["instance"] == .int(1), "a sheet without fan-out is instance 1 in prompts")
        #expect(solo["total_movements"] == .int(3) && solo["total_stages"] == .int(3) && solo["total_sheets"] == .int(4))
        let voice = SheetVariables.make(loaded, sheet: loaded.sheets[2], jobID: "j")
        #expect(voice["sheet_num"] == .int(3) && voice["stage"] == .int(2) && voice["voice"] == .int(2) && voice["fan_count"] == .int(2))
        #expect(voice["workspace"] == .string("/ws") && voice["job_id"] == .string("j"))
        #expect(voice["instrument_name"] == .string("claude-code"), "Marianne's default instrument")
        #expect(voice["previous_outputs"] == .map([:]) && voice["previous_files"] == .map([:]))
        #expect(voice["skipped_upstream"] == .list([]) && voice["injected_context"] == .list([]))
    }

    @Test func variablesWinThenStakesAndThinkingMethod() throws {
        let loaded = try Scores.load("""
            name: v
            prompt:
              template: x
              stakes: Lives depend on it.
              variables: {workspace: mine, stakes: overwritten}
            """)
        let variables = SheetVariables.make(loaded, sheet: loaded.sheets[0], jobID: "j")
        #expect(variables["workspace"] == .string("mine"))
        #expect(variables["stakes"] == .string("Lives depend on it."))
        #expect(variables["thinking_method"] == .string(""))
    }

    @Test func earlierSheetsReachTheTemplate() throws {
        let yaml = "name: v\nprompt: {template: \"{% for k in previous_outputs %}{{ k }};{% endfor %}{{ skipped_upstream | length }}\"}\nsheet: {total_items: 3}\n"
        let loaded = try Scores.load(yaml)
        let context = CrossSheetContext(previousOutputs: [1: "first output", 2: "[SKIPPED]"], previousFiles: ["/w/a.md": "A"], skippedUpstream: [2])
        let prompt = try SheetPrompt.render(loaded, sheet: loaded.sheets[2], jobID: "j", crossSheet: context)
        #expect(prompt.body == "1;2;1")
        let variables = SheetVariables.make(loaded, sheet: loaded.sheets[2], jobID: "j", crossSheet: context)
        #expect(variables["previous_outputs"] == TemplateValues.intKeyed([1: .string("first output"), 2: .string("[SKIPPED]")]))
        #expect(variables["previous_files"] == .map(["/w/a.md": .string("A")]))
        #expect(variables["skipped_upstream"] == .list([.int(2)]))
    }
}
