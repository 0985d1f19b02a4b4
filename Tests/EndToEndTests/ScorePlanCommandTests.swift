import Foundation
import MarianneCore
import MarianneProtocol
import MarianneTestSupport
import Testing

/// `mzt submit --dry-run [--json]`, `mzt run SCORE.yaml`, and Marianne settings in conductor.yaml.
struct ScorePlanCommandTests {
    @Test func theDryRunPrintsThePlanForPeopleAndAsJSON() async throws {
        let fx = try await JobFixture(settings: "max_concurrent_jobs: 2\nlog_level: info\n")
        let path = try fx.score("planned", """
            name: planned
            workspace: ../planned-ws
            instrument: claude-code
            movements: {1: {name: Draft, voices: 2}}
            sheet: {size: 1, total_items: 2}
            prompt: {template: "Draft {{ voice }} of {{ voice_count }}\\n\(String(repeating: "line\\n", count: 60))"}
            validations:
              - {type: file_exists, path: "{workspace}/draft-{voice}.md", condition: "stage == 1"}
              - {type: command_succeeds, command: "test -s '{workspace}/final.md'", sheet: 3}
            """)
        let json = try await fx.mzt("submit", path, "--dry-run", "--json")
        #expect(json.exitCode == 0, "\(json.stderr)")
        let plan = try JSONDecoder().decode(ScorePlan.self, from: Data(json.stdout.utf8))
        let workspace = RealPath.resolve(fx.dir.path + "/../planned-ws")
        #expect(plan.totalSheets == 3 && plan.workspace == workspace)
        // claude-code gets Marianne's assembled prompt: preamble, template, Success Requirements.
        let prompt = plan.sheets[1].prompt ?? ""
        #expect(prompt.hasPrefix("<marianne-preamble>\n") && prompt.contains("You are sheet 2 of 3"))
        #expect(prompt.contains("</marianne-preamble>\n\nDraft 2 of 2\nline"))
        #expect(prompt.contains("## Success Requirements") && prompt.contains("Create file: `\(workspace)/draft-2.md`"))
        #expect(!prompt.contains("final.md"), "a rule for another sheet is not listed")
        #expect(plan.sheets[1].validations[0].path == workspace + "/draft-2.md")
        #expect(plan.sheets.map { $0.validations[1].applies } == [false, false, true])
        let human = try await fx.mzt("submit", path, "--dry-run")
        #expect(human.exitCode == 0)
        #expect(human.stdout.contains("movement 1: Draft"))
        #expect(human.stdout.contains("more lines (mzt submit --dry-run --json shows the whole prompt)"))
        #expect(human.stdout.contains("check 2 [stage 1] command_succeeds `test -s '\(workspace)/final.md'`"))
        #expect(!FileManager.default.fileExists(atPath: workspace), "a dry run creates nothing")
    }

    @Test func runWithAScoreFileSubmitsIt() async throws {
        let fx = try await JobFixture()
        let path = try fx.score("ran", "name: ran\nworkspace: ./ran-ws\nprompt: {template: \"echo ran > out.txt\"}\nbackend: {type: command}\n")
        let result = try await fx.mzt("run", path, "--follow")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: fx.workspace("ran-ws") + "/out.txt"))
        let plan = try await fx.mzt("run", path, "-n")
        #expect(plan.exitCode == 0 && plan.stdout.contains("job:       ran"))
        let module = try await fx.mzt("run", "no-such-module", "--dry-run")
        #expect(module.exitCode == 64 && module.stderr.contains("--dry-run is for scores"))
    }

    @Test func aScoreWhoseInstrumentCannotRunHereIsRefusedButPlanned() async throws {
        let fx = try await JobFixture()
        let path = try fx.score("hal", "name: hal\nworkspace: ./hal-ws\ninstrument: hal-9000\nprompt: {template: \"hello\"}\n")
        let refused = try await fx.mzt("submit", path)
        #expect(refused.exitCode == 65)
        #expect(refused.stderr.contains("unknown instrument hal-9000"))
        #expect(try await fx.mzt("submit", path, "--dry-run").stdout.contains("cannot run: sheet 1 plays unknown instrument hal-9000"))
        #expect(try await fx.mzt("validate", path).exitCode == 0)
    }
}
