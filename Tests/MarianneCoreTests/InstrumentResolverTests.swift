import MarianneCore
import Testing

/// Which instrument each sheet plays, by Marianne's precedence.
struct InstrumentResolverTests {
    let yaml = """
        name: i
        instrument: claude-code
        instrument_config: {timeout_seconds: 600, model: sonnet}
        instrument_fallbacks: [gemini-cli]
        instruments:
          fast: {profile: gemini-cli, config: {model: flash}}
          shell: {profile: cli}
        movements:
          2: {instrument: fast, instrument_fallbacks: [codex-cli]}
          3: {instrument_config: {model: opus}}
        sheet:
          size: 1
          total_items: 5
          per_sheet_instruments: {5: shell}
          per_sheet_instrument_config: {5: {timeout_seconds: 30}}
          per_sheet_fallbacks: {5: []}
          instrument_map: {opencode: [4]}
        prompt: {template: x}
        """

    @Test func precedenceAndMergedSettings() throws {
        let loaded = try Scores.load(yaml)
        func resolved(_ number: Int) -> ResolvedInstrument { InstrumentResolver.resolve(loaded.score, sheet: loaded.sheets[number - 1]) }
        #expect(resolved(1) == ResolvedInstrument(name: "claude-code", config: ["timeout_seconds": .int(600), "model": .string("sonnet")], fallbacks: ["gemini-cli"]))
        #expect(resolved(2) == ResolvedInstrument(name: "gemini-cli", alias: "fast", config: ["timeout_seconds": .int(600), "model": .string("flash")], fallbacks: ["codex-cli"]))
        #expect(resolved(3).name == "claude-code")
        #expect(resolved(3).config["model"] == .string("opus"), "a movement's settings apply without its own instrument")
        #expect(resolved(4).name == "opencode")
        #expect(resolved(5) == ResolvedInstrument(name: "cli", alias: "shell", config: ["timeout_seconds": .int(30), "model": .string("sonnet")], fallbacks: []))
        #expect(resolved(5).backendType == .command)
        #expect(resolved(1).backendType == .claudeCLI)
        #expect(resolved(2).backendType == nil)
    }

    @Test func theScoreLevelInstrumentPicksTheBackend() throws {
        #expect(try Scores.load("name: a\ninstrument: cli\nprompt: {template: x}\n").score.backend.type == .command)
        let aliased = try Scores.load("name: a\ninstrument: w\ninstruments: {w: {profile: claude-code, config: {timeout_seconds: 42}}}\nprompt: {template: x}\n")
        #expect(aliased.score.backend.type == .claudeCLI)
        #expect(aliased.score.backend.timeoutSeconds == 42)
    }

    @Test func instrumentsThatDoNotRunHereWarnAndStopASubmission() throws {
        let yaml = "name: a\ninstrument: gemini-cli\nprompt: {template: x}\n"
        let found = Scores.problems(yaml)
        #expect(found.map(\.code) == ["W002"])
        #expect(throws: ScoreValidationError.self) { try ScoreLoader.load(yaml: yaml, baseDirectory: "/tmp") }
        let planned = try Scores.load(yaml)
        #expect(!planned.runBlockers.isEmpty)
        let typo = Scores.problems("name: a\ninstrument: claude-cod\nprompt: {template: x}\n")
        #expect(typo.first?.hint == "did you mean `claude-code`?")
        // An agent sheet in a command score would run its prompt as a shell command: refused.
        let mixed = "name: m\nbackend: {type: command}\nmovements: {1: {instrument: claude-code}}\nprompt: {template: x}\n"
        #expect(throws: ScoreValidationError.self) { try ScoreLoader.load(yaml: mixed, baseDirectory: "/tmp") }
        // A shell sheet in an agent score runs through the agent for now: a warning only.
        let agent = "name: m\ninstrument: claude-code\nsheet: {total_items: 2, per_sheet_instruments: {2: cli}}\nprompt: {template: x}\n"
        #expect(try ScoreLoader.load(yaml: agent, baseDirectory: "/tmp").warnings.map(\.code) == ["W002"])
    }

    @Test func instrumentMapSheetsBelongToOneInstrument() {
        let found = Scores.errors(Scores.with("sheet: {total_items: 3, instrument_map: {cli: [1, 2], claude-code: [2]}}\n"))
        #expect(found.map(\.code) == ["V005"])
        #expect(found.first?.message.contains("sheet 2") == true)
    }
}
