import Foundation
import MarianneCore
import Testing

/// How an attempt calls its instrument: arguments, standard input, environment.
struct InstrumentInvocationTests {
    func invocation(_ name: String, _ config: [String: JSONValue] = [:], prompt: String = "Do the work.", parent: [String: String] = [:]) throws -> InstrumentInvocation {
        let profile = try #require(BuiltinInstruments.named(name))
        let context = InstrumentInvocation.Context(
            prompt: prompt, timeoutSeconds: 600, workspace: "/ws", parentEnvironment: parent, conductorVariables: ["MZT_JOB_ID": "j"]
        )
        return try #require(InstrumentInvocation.make(profile, settings: InstrumentSettings(config: config), context: context))
    }

    @Test func claudeCodeGetsItsPromptOnStdinWithJSONOutputSkipPermissionsAndNoMCP() throws {
        let call = try invocation("claude-code")
        #expect(call.executable == "claude")
        #expect(call.arguments == [
            "--dangerously-skip-permissions", "--output-format", "json", "-p", "-", "--strict-mcp-config", "--mcp-config", #"{"mcpServers":{}}"#,
        ])
        #expect(call.stdin == "Do the work.")
        #expect(call.workingDirectory == "/ws")
        #expect(call.output.format == .json)
    }

    @Test func settingsBecomeFlags() throws {
        let call = try invocation("claude-code", [
            "model": .string("claude-opus-4-6"), "allowed_tools": .array([.string("Read"), .string("Write")]),
            "system_prompt": .string("Be terse."), "skip_permissions": .bool(false), "mcp_config": .string("/ws/mcp.json"),
            "cli_extra_args": .array([.string("--max-turns"), .string("3")]), "output_format": .string("text"),
        ])
        #expect(call.arguments == [
            "--output-format", "text", "--model", "claude-opus-4-6", "-p", "-", "--system-prompt", "Be terse.",
            "--allowedTools", "Read,Write", "--mcp-config", "/ws/mcp.json", "--max-turns", "3",
        ])
        #expect(call.output.format == .text)
        let kept = try invocation("claude-code", ["disable_mcp": .bool(false), "executable": .string("/opt/claude")])
        #expect(!kept.arguments.contains("--strict-mcp-config"))
        #expect(kept.executable == "/opt/claude")
    }

    @Test func eachBuiltinPutsThePromptWhereItsToolReadsIt() throws {
        #expect(try invocation("gemini-cli").arguments == ["--yolo", "-o", "json", "-m", "gemini-2.5-pro", "--sandbox", "false"])
        #expect(try invocation("codex-cli").arguments == ["exec", "--full-auto", "--json", "--skip-git-repo-check"])
        #expect(try invocation("aider").arguments == ["--yes-always", "--message-file", "/dev/stdin", "--no-stream", "--no-pretty", "--no-check-update"])
        #expect(try invocation("goose").arguments == ["run", "--output-format", "json", "-i", "-", "--no-session", "--quiet"])
        #expect(try invocation("cline-cli").arguments == ["--yolo", "--json", "--timeout", "600"])
        #expect(try invocation("crush").arguments == ["run", "--yolo", "--cwd", "/ws", "--quiet"])
        #expect(try invocation("opencode").arguments == ["run", "--dangerously-skip-permissions", "--format", "json"])
        for name in ["gemini-cli", "codex-cli", "aider", "goose", "cline-cli", "crush", "opencode", "claude-code"] {
            #expect(try invocation(name).stdin == "Do the work.", "\(name) reads its prompt from stdin")
        }
    }

    @Test func theShellInstrumentTakesTheCommandAsAnArgumentUntilItIsTooLong() throws {
        let call = try invocation("cli", prompt: "echo hi")
        #expect(call.executable == "bash" && call.arguments == ["-c", "echo hi"] && call.stdin == nil)
        let long = String(repeating: "x", count: InstrumentInvocation.maxArgumentPromptBytes + 1)
        let big = try invocation("cli", prompt: long)
        #expect(big.arguments.isEmpty && big.stdin == long, "bash reads a long script from stdin")
    }

    @Test func onlyTheProfilesCredentialsAndASafeBaseReachTheTool() throws {
        let parent = [
            "PATH": "/usr/bin", "HOME": "/home/me", "LANG": "C.UTF-8", "ANTHROPIC_API_KEY": "sk-ant", "OPENAI_API_KEY": "sk-openai",
            "AWS_SECRET_ACCESS_KEY": "aws", "GITHUB_TOKEN": "ghp", "MZT_HOME": "/h",
        ]
        let claude = try invocation("claude-code", ["env": .object(["EXTRA": .string("1")])], parent: parent).environment
        #expect(claude["ANTHROPIC_API_KEY"] == "sk-ant" && claude["AWS_SECRET_ACCESS_KEY"] == "aws")
        #expect(claude["OPENAI_API_KEY"] == nil && claude["GITHUB_TOKEN"] == nil)
        #expect(claude["PATH"] == "/usr/bin" && claude["HOME"] == "/home/me" && claude["LANG"] == "C.UTF-8")
        #expect(claude["EXTRA"] == "1", "the score's own variables pass")
        #expect(claude["MZT_JOB_ID"] == "j" && claude["MZT_HOME"] == "/h")
        let codex = try invocation("codex-cli", parent: parent).environment
        #expect(codex["OPENAI_API_KEY"] == "sk-openai" && codex["ANTHROPIC_API_KEY"] == nil)
        let shell = try invocation("cli", parent: parent).environment
        #expect(shell["GITHUB_TOKEN"] == "ghp", "a shell command keeps the whole environment")
    }

    @Test func profileVariablesExpandFromTheConductorsEnvironment() {
        #expect(InstrumentEnvironment.expand("${HOME}/x:$USER:$MISSING", from: ["HOME": "/h", "USER": "me"]) == "/h/x:me:$MISSING")
        #expect(InstrumentEnvironment.expand("a$", from: [:]) == "a$")
        #expect(InstrumentEnvironment.isValidName("ANTHROPIC_API_KEY") && !InstrumentEnvironment.isValidName("1X") && !InstrumentEnvironment.isValidName("A-B"))
    }

    @Test func wrongSettingsAreNamed() {
        var problems: [String] = []
        let settings = InstrumentSettings(config: [
            "model": .int(3), "timeout_seconds": .double(-1), "allowed_tools": .string("Read"), "output_format": .string("xml"), "color": .bool(true),
        ], problems: &problems)
        #expect(settings.model == nil && settings.timeoutSeconds == nil && settings.allowedTools == nil && settings.outputFormat == nil)
        #expect(problems.count == 4)
        #expect(settings.other == ["color": .bool(true)])
        #expect(settings.autoApprove && settings.disableMCP, "Marianne's defaults: skip permissions, no MCP")
    }
}
