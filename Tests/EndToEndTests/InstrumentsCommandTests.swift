import Foundation
import MarianneCore
import MarianneTestSupport
import Testing

/// `mzt instruments list|check [--json]`: no conductor needed; programs and credentials are
/// looked up in the command's own environment.
struct InstrumentsCommandTests {
    func mzt(_ arguments: [String], home: String, path: String = FakeAgents.path, extra: [String: String] = [:]) async throws -> CommandResult {
        try await TestConductor.run(TestConductor.binary, arguments, environment: ["MZT_HOME": home, "PATH": path].merging(extra) { $1 })
    }

    @Test func listShowsTheBuiltinsAndUserProfilesWithWhetherTheyAreReady() async throws {
        let home = try TemporaryDirectory(prefix: "mzt-home")
        defer { home.remove() }
        try FileManager.default.createDirectory(atPath: home.file("instruments"), withIntermediateDirectories: true)
        try """
            name: my-agent
            display_name: "My agent"
            kind: cli
            cli:
              command: {executable: my-agent-binary, prompt_via_stdin: true}
              output: {format: text}
            """.write(toFile: home.file("instruments/my-agent.yaml"), atomically: true, encoding: .utf8)
        let listed = try await mzt(["instruments", "list", "--json"], home: home.path)
        #expect(listed.exitCode == 0, "\(listed.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
        let rows = (json["instruments"] as? [[String: Any]] ?? []).reduce(into: [String: [String: Any]]()) { $0[$1["name"] as? String ?? ""] = $1 }
        let builtins = ["claude-code", "codex-cli", "gemini-cli", "aider", "goose", "cline-cli", "crush", "opencode", "cli"]
        #expect(Set(builtins).isSubset(of: Set(rows.keys)))
        for name in builtins { #expect(rows[name]?["status"] as? String == "ready", "\(name): the fakes are on PATH") }
        #expect(rows["my-agent"]?["status"] as? String == "not found")
        #expect((rows["my-agent"]?["source"] as? String)?.hasSuffix("instruments/my-agent.yaml") == true)
        let human = try await mzt(["instruments"], home: home.path)
        #expect(human.exitCode == 0 && human.stdout.contains("NAME") && human.stdout.contains("claude-code") && human.stdout.contains("10 instruments, 9 ready"), "\(human.stdout)")
        // A broken profile: the file and the field are named, exit 65.
        try "name: broken\ndisplay_name: B\nkind: cli\ncli: {command: {executable: b}, output: {format: xml}}\n"
            .write(toFile: home.file("instruments/broken.yaml"), atomically: true, encoding: .utf8)
        let broken = try await mzt(["instruments", "list"], home: home.path)
        #expect(broken.exitCode == 65)
        #expect(broken.stderr.contains("broken.yaml") && broken.stderr.contains("cli.output.format"), "\(broken.stderr)")
    }

    @Test func checkSaysWhetherAnInstrumentIsReadyAndWhy() async throws {
        let home = try TemporaryDirectory(prefix: "mzt-home")
        defer { home.remove() }
        let ready = try await mzt(["instruments", "check", "claude-code", "--json"], home: home.path, extra: ["ANTHROPIC_API_KEY": "sk-test"])
        #expect(ready.exitCode == 0, "\(ready.stderr)")
        let check = try #require(try JSONSerialization.jsonObject(with: Data(ready.stdout.utf8)) as? [String: Any])
        #expect(check["ready"] as? Bool == true && check["version"] as? String == "2.0.14 (Claude Code)")
        #expect((check["binary_path"] as? String) == FakeAgents.folder + "/claude")
        let credentials = check["credentials"] as? [[String: Any]] ?? []
        #expect(credentials.contains { $0["name"] as? String == "ANTHROPIC_API_KEY" && $0["set"] as? Bool == true })
        #expect(credentials.contains { $0["name"] as? String == "CLAUDE_CODE_OAUTH_TOKEN" && $0["set"] as? Bool == false })
        let human = try await mzt(["instruments", "check", "claude-code"], home: home.path)
        #expect(human.exitCode == 0 && human.stdout.contains("claude-code is ready"), "\(human.stdout)")
        let missing = try await mzt(["instruments", "check", "codex-cli"], home: home.path, path: "/usr/bin:/bin")
        #expect(missing.exitCode == 1)
        #expect(missing.stdout.contains("is not on PATH; install it, or set instrument_config.executable"), "\(missing.stdout)")
        let unknown = try await mzt(["instruments", "check", "claude-cod"], home: home.path)
        #expect(unknown.exitCode == 1 && unknown.stderr.contains("did you mean claude-code?"), "\(unknown.stderr)")
    }
}
