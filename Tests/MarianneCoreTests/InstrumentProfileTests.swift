import Foundation
import MarianneCore
import MarianneTestSupport
import Testing

/// Instrument profiles: the builtins, the format's checks, and where user profiles come from.
struct InstrumentProfileTests {
    @Test func everyBuiltinParsesAndIsACommandLineInstrument() throws {
        #expect(BuiltinInstruments.all.count == BuiltinInstruments.sources.count, "a builtin does not parse")
        for (name, yaml) in BuiltinInstruments.sources {
            let profile = try InstrumentProfileParser.parse(yaml, file: "builtin:\(name)")
            #expect(profile.name == name)
            #expect(profile.kind == "cli")
            #expect(profile.cli != nil)
        }
        #expect(Set(BuiltinInstruments.all.map(\.name)) == [
            "claude-code", "codex-cli", "gemini-cli", "aider", "goose", "cline-cli", "crush", "opencode", "cli",
        ])
    }

    @Test func claudeCodeReadsItsPromptFromStdinAndAnswersInJSON() throws {
        let profile = try #require(BuiltinInstruments.named("claude-code"))
        let command = try #require(profile.cli?.command)
        #expect(command.executable == "claude")
        #expect(command.promptFlag == "-p" && command.promptViaStdin && command.stdinSentinel == "-")
        #expect(command.autoApproveFlag == "--dangerously-skip-permissions")
        #expect(command.mcpDisableArgs == ["--strict-mcp-config", "--mcp-config", #"{"mcpServers":{}}"#])
        #expect(command.requiredEnv?.contains("ANTHROPIC_API_KEY") == true)
        #expect(command.requiredEnv?.contains("OPENAI_API_KEY") == false)
        #expect(profile.cli?.output.format == .json)
        #expect(profile.cli?.output.resultPath == "result")
        #expect(profile.cli?.output.inputTokensPath == "usage.input_tokens")
        #expect(profile.model("claude-opus-4-6")?.costPer1kOutput == 0.075)
        #expect(BuiltinInstruments.named("cli")?.rawPrompt == true)
        #expect(BuiltinInstruments.named("cli")?.defaultTimeoutSeconds == 300)
    }

    @Test func aBadProfileNamesTheFileTheFieldAndTheLine() {
        let yaml = """
            name: mine
            display_name: Mine
            kind: cli
            default_timeout_seconds: -4
            cli:
              command:
                executable: mine
                promt_flag: "-p"
              output:
                format: xml
              errors:
                rate_limit_patterns: ["(unclosed"]
            models:
              - {name: small, context_window: 0, cost_per_1k_input: 0, cost_per_1k_output: 0}
            """
        #expect(throws: InstrumentProfileError.self) { try InstrumentProfileParser.parse(yaml, file: "/p/mine.yaml") }
        let problems = Self.problems(yaml)
        let fields = problems.map(\.field)
        #expect(fields.contains("default_timeout_seconds"))
        #expect(fields.contains("cli.command.promt_flag"))
        #expect(fields.contains("cli.output.format"))
        #expect(fields.contains("cli.errors.rate_limit_patterns[0]"))
        #expect(fields.contains("models[0].context_window"))
        let typo = problems.first { $0.field == "cli.command.promt_flag" }
        #expect(typo?.message.contains("did you mean `prompt_flag`?") == true)
        #expect(typo?.line == 8)
        #expect(typo?.description.hasPrefix("/p/mine.yaml:8:") == true)
        #expect(problems.allSatisfy { $0.file == "/p/mine.yaml" })
    }

    @Test func requiredPartsAreNamed() {
        let missing = Self.problems("name: x\nkind: cli\n")
        #expect(missing.map(\.field).contains("display_name"))
        #expect(missing.contains { $0.field == "cli" && $0.message.contains("kind is cli") })
        let noExecutable = Self.problems("name: x\ndisplay_name: X\nkind: cli\ncli: {command: {prompt_flag: -p}, output: {format: text}}\n")
        #expect(noExecutable.map(\.field) == ["cli.command.executable"])
        let noOutput = Self.problems("name: x\ndisplay_name: X\nkind: cli\ncli: {command: {executable: x}}\n")
        #expect(noOutput.map(\.field) == ["cli.output"])
        #expect(Self.problems("- a list\n").first?.message.contains("mapping") == true)
        #expect(Self.problems("name: [\n").first?.message.contains("YAML") == true)
    }

    @Test func userProfilesReplaceBuiltinsAndABrokenOneIsAProblem() throws {
        let dir = try TemporaryDirectory(prefix: "mzt-profiles")
        defer { dir.remove() }
        let home = dir.file("home/instruments"), score = dir.file("score/.marianne/instruments")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: score, withIntermediateDirectories: true)
        try Self.profile(name: "claude-code", executable: "my-claude").write(toFile: home + "/claude.yaml", atomically: true, encoding: .utf8)
        try Self.profile(name: "house", executable: "house-agent").write(toFile: home + "/house.yaml", atomically: true, encoding: .utf8)
        try Self.profile(name: "house", executable: "venue-agent").write(toFile: score + "/house.yml", atomically: true, encoding: .utf8)
        try "name: broken\nkind: cli\n".write(toFile: home + "/broken.yaml", atomically: true, encoding: .utf8)
        try "not a profile".write(toFile: home + "/notes.txt", atomically: true, encoding: .utf8)
        let catalog = InstrumentCatalog.load(directories: [home, dir.file("score/.marianne/instruments")])
        #expect(catalog.profile("claude-code")?.cli?.command.executable == "my-claude")
        #expect(catalog.profile("claude_cli")?.cli?.command.executable == "my-claude", "the alias follows the replaced profile")
        #expect(catalog.profile("house")?.cli?.command.executable == "venue-agent", "the score folder wins")
        #expect(catalog.profile("gemini-cli") != nil)
        #expect(catalog.profile("broken") == nil)
        #expect(catalog.problems.allSatisfy { $0.file == home + "/broken.yaml" })
        #expect(catalog.problems(forFileOf: "broken").map(\.field).contains("display_name"))
        #expect(catalog.profile("command")?.name == "cli")
    }

    static func problems(_ yaml: String) -> [InstrumentProfileProblem] {
        do {
            _ = try InstrumentProfileParser.parse(yaml, file: "/p/mine.yaml")
            return []
        } catch {
            return error.problems
        }
    }

    static func profile(name: String, executable: String) -> String {
        "name: \(name)\ndisplay_name: \(name)\nkind: cli\ncli:\n  command: {executable: \(executable)}\n  output: {format: text}\n"
    }
}
