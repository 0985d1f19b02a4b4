import MarianneCore
import Testing

/// The `{name}` values of a sheet are Marianne's validation context.
struct SheetPlaceholdersTests {
    let yaml = """
        name: p
        workspace: /ws
        instrument: claude-code
        instruments: {fast: {profile: gemini-cli}}
        movements: {2: {instrument: fast}}
        sheet: {size: 1, total_items: 3, fan_out: {2: 2}}
        prompt: {template: x, variables: {project_root: /src, sheet_num: 99, flag: true, label: hi}}
        """

    @Test func builtinsWinOverVariablesAndSoloSheetsHaveNoVoice() throws {
        let loaded = try Scores.load(yaml)
        let first = SheetPlaceholders(loaded, sheet: loaded.sheets[0], jobID: "job-1")
        #expect(first.values["sheet_num"] == .int(1))
        #expect(first.values["project_root"] == .string("/src"))
        #expect(first.values["voice"] == .null && first.values["instance"] == .null)
        #expect(first.strings["voice"] == "None")
        #expect(first.values["instrument_name"] == .string("claude-code"))
        #expect(first.values["total_movements"] == .int(3) && first.values["total_stages"] == .int(3))
        #expect(first.values["total_sheets"] == .int(4))
        #expect(first.values["job_id"] == .string("job-1") && first.values["start_item"] == .int(1))
        let voice = SheetPlaceholders(loaded, sheet: loaded.sheets[2], jobID: "job-1")
        #expect(voice.values["voice"] == .int(2) && voice.values["stage"] == .int(2) && voice.values["voice_count"] == .int(2))
        #expect(voice.values["instrument_name"] == .string("gemini-cli"))
    }

    @Test func conditionsSeeIntegersOnly() throws {
        let loaded = try Scores.load(yaml)
        let values = SheetPlaceholders(loaded, sheet: loaded.sheets[0], jobID: "j").conditionValues
        #expect(values["flag"] == .some(1), "a Python bool is an integer")
        #expect(values["label"] == .some(nil))
        #expect(values["voice"] == .some(nil))
        #expect(values["start_item"] == nil, "Marianne's engine has no start_item")
        let rule = ValidationRule(type: .fileExists, path: "x", condition: "flag == 1 and label == 3 and start_item == 9")
        #expect(rule.applies(to: loaded.sheets[0], placeholders: SheetPlaceholders(loaded, sheet: loaded.sheets[0], jobID: "j")))
    }

    @Test func pathsAreExpandedAndResolved() throws {
        let loaded = try Scores.load(yaml)
        let placeholders = SheetPlaceholders(loaded, sheet: loaded.sheets[1], jobID: "j")
        let rule = ValidationRule(type: .fileExists, path: "{workspace}/../out/{stage}-{voice}.md", workingDirectory: "sub")
        #expect(try rule.expandedPath(placeholders, workspace: loaded.workspace) == "/out/2-1.md")
        #expect(try rule.expandedWorkingDirectory(placeholders, workspace: loaded.workspace) == "/ws/sub")
        #expect(try ValidationRule(type: .fileExists, path: "rel/{sheet_num}").expandedPath(placeholders, workspace: "/ws") == "/ws/rel/2")
        let command = ValidationRule(type: .commandSucceeds, command: "test -d {project_root} && echo {label}").expandedCommand(placeholders)
        #expect(command?.text == "test -d /src && echo hi")
    }
}
