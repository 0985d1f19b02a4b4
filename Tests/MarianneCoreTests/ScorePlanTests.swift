import Foundation
import MarianneCore
import Testing

/// The plan of a score: each sheet with its instrument, prompt and validations.
struct ScorePlanTests {
    let yaml = """
        name: plan
        workspace: /plans/ws
        instrument: claude-code
        movements: {1: {name: Gather}, 2: {name: Write, voices: 2}}
        sheet:
          size: 1
          total_items: 3
          descriptions: {1: collect sources}
          skip_when: {3: "sheets[2].status == 'failed'"}
          per_sheet_instruments: {4: cli}
        prompt:
          template: "{{ movement }}.{{ voice }} of {{ total_movements }}"
        validations:
          - {type: file_exists, path: "{workspace}/m{movement}-{voice}.md", condition: "stage == 2"}
          - {type: command_succeeds, command: "test -s {workspace}/final.md", sheet: 4}
        """

    @Test func everySheetWithWhatAppliesToIt() throws {
        let plan = ScorePlan.make(try Scores.load(yaml), jobID: "plan-1")
        #expect(plan.totalSheets == 4 && plan.totalStages == 3 && plan.jobID == "plan-1")
        #expect(plan.sheets.map(\.instrument) == ["claude-code", "claude-code", "claude-code", "cli"])
        #expect(plan.sheets.map(\.movementName) == ["Gather", "Write", "Write", nil])
        #expect(plan.sheets[0].description == "collect sources")
        let bodies = plan.sheets.map { $0.prompt?.components(separatedBy: "</marianne-preamble>\n\n").last?.components(separatedBy: "\n\n---\n").first }
        #expect(bodies == ["1.1 of 3", "2.1 of 3", "2.2 of 3", "3.1 of 3"])
        #expect(plan.sheets[3].prompt == "3.1 of 3", "a cli sheet's prompt is its command")
        #expect(plan.sheets[1].prompt?.contains("Create file: `/plans/ws/m2-1.md`") == true, "the agent is told what is checked")
        #expect(plan.sheets[0].command?.first == "claude" && plan.sheets[3].command == ["bash", "-c", "<prompt>"])
        #expect(plan.sheets.map { $0.validations.map(\.applies) } == [[false, false], [true, false], [true, false], [false, true]])
        #expect(plan.sheets[2].validations[0].path == "/plans/ws/m2-2.md")
        #expect(plan.sheets[0].validations[0].path == "/plans/ws/m1-None.md", "a sheet without fan-out has no voice")
        #expect(plan.sheets[3].validations[1].command == ShellCommand(text: "test -s /plans/ws/final.md"))
        #expect(plan.sheets[3].validations[1].workingDirectory == "/plans/ws")
        #expect(plan.sheets[3].skipWhen == "sheets[2].status == 'failed'" && plan.sheets[2].skipWhen == nil)
        #expect(plan.sheets[3].raw && !plan.sheets[0].raw)
        #expect(plan.runnable)
    }

    @Test func theJSONUsesSnakeCaseKeys() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(ScorePlan.make(try Scores.load(yaml), jobID: "p")), as: UTF8.self)
        for key in ["\"total_sheets\":4", "\"movement_name\":\"Write\"", "\"fan_count\":2", "\"skip_when\":", "\"applies\":true", "\"timeout_seconds\":3600"] {
            #expect(json.contains(key), "\(key) in \(json.prefix(300))")
        }
    }

    @Test func aTemplateErrorIsShownPerSheet() throws {
        let loaded = try Scores.load("name: e\ninstrument: cli\nprompt: {template: \"{{ items[sheet_num] }}\", variables: {items: [a, b]}}\nsheet: {total_items: 2}\n")
        let plan = ScorePlan.make(loaded, jobID: "e")
        #expect(plan.sheets[0].prompt == "b")
        #expect(plan.sheets[1].prompt == nil && plan.sheets[1].promptError != nil)
    }
}
