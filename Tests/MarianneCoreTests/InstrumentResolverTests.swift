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
        let score = try Scores.load(yaml).score
        let sheets = try Scores.load(yaml).sheets
        let settings = InstrumentResolver.settings(score, instrument: resolved(2))
        #expect(settings.model == "flash" && settings.timeoutSeconds == 600)
        #expect(InstrumentResolver.timeout(score, sheet: 5, settings: InstrumentResolver.settings(score, instrument: resolved(5)), profile: BuiltinInstruments.named("cli")) == 30)
        #expect(sheets.count == 5)
    }

    @Test func theDefaultIsClaudeCodeUnlessTheBackendTypeSaysOtherwise() throws {
        func name(_ yaml: String) throws -> String {
            let loaded = try Scores.load(yaml)
            return InstrumentResolver.resolve(loaded.score, sheet: loaded.sheets[0]).name
        }
        #expect(try name("name: a\nprompt: {template: x}\n") == "claude-code")
        #expect(try name("name: a\nbackend: {type: command}\nprompt: {template: x}\n") == "cli")
        #expect(try name("name: a\nbackend: {type: claude_cli}\nprompt: {template: x}\n") == "claude-code")
        #expect(try name("name: a\ninstrument: cli\nprompt: {template: x}\n") == "cli")
    }

    @Test func legacyBackendSettingsApplyToTheBackendsOwnInstrument() throws {
        let loaded = try Scores.load("""
            name: a
            backend: {type: claude_cli, cli_model: opus, skip_permissions: false, cli_args: ["--verbose"], executable: /opt/claude, timeout: 2m}
            sheet: {total_items: 2, per_sheet_instruments: {2: cli}}
            prompt: {template: x}
            """)
        let first = InstrumentResolver.settings(loaded.score, instrument: InstrumentResolver.resolve(loaded.score, sheet: loaded.sheets[0]))
        #expect(first.model == "opus" && !first.autoApprove && first.extraArgs == ["--verbose"] && first.executable == "/opt/claude")
        let shell = InstrumentResolver.settings(loaded.score, instrument: InstrumentResolver.resolve(loaded.score, sheet: loaded.sheets[1]))
        #expect(shell.executable == nil && shell.model == nil, "a cli sheet does not get claude's settings")
        #expect(InstrumentResolver.timeout(loaded.score, sheet: 1, settings: first, profile: BuiltinInstruments.named("claude-code")) == 120)
        let profileDefault = try Scores.load("name: a\ninstrument: cli\nprompt: {template: x}\n")
        let settings = InstrumentResolver.settings(profileDefault.score, instrument: InstrumentResolver.resolve(profileDefault.score, sheet: profileDefault.sheets[0]))
        #expect(InstrumentResolver.timeout(profileDefault.score, sheet: 1, settings: settings, profile: BuiltinInstruments.named("cli")) == 300)
    }

    @Test func unknownInstrumentsWarnAndStopASubmission() throws {
        let yaml = "name: a\ninstrument: gemini-cli\nprompt: {template: x}\n"
        #expect(Scores.problems(yaml).isEmpty, "every builtin runs")
        let unknown = "name: a\ninstrument: hal-9000\nprompt: {template: x}\n"
        #expect(Scores.problems(unknown).map(\.code) == ["W002"])
        #expect(throws: ScoreValidationError.self) { try ScoreLoader.load(yaml: unknown, baseDirectory: "/tmp") }
        #expect(!(try Scores.load(unknown)).runBlockers.isEmpty)
        let typo = Scores.problems("name: a\ninstrument: claude-cod\nprompt: {template: x}\n")
        #expect(typo.first?.hint == "did you mean `claude-code`?")
        let native = Scores.problems("name: a\ninstrument: ollama\nprompt: {template: x}\n")
        #expect(native.first?.message.contains("Marianne's own backends") == true)
        let mixed = "name: m\ninstrument: claude-code\nsheet: {total_items: 2, per_sheet_instruments: {2: cli}}\nprompt: {template: x}\n"
        #expect(try ScoreLoader.load(yaml: mixed, baseDirectory: "/tmp").warnings.isEmpty, "each sheet plays its own instrument")
        let badFallback = Scores.problems("name: a\ninstrument_fallbacks: [gemini-clii]\nprompt: {template: x}\n")
        #expect(badFallback.map(\.code) == ["W002"] && badFallback.first?.severity == .warning)
    }

    @Test func instrumentMapSheetsBelongToOneInstrument() {
        let found = Scores.errors(Scores.with("sheet: {total_items: 3, instrument_map: {cli: [1, 2], claude-code: [2]}}\n"))
        #expect(found.map(\.code) == ["V005"])
        #expect(found.first?.message.contains("sheet 2") == true)
    }
}
