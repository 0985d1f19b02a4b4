import Foundation
import MarianneTestSupport
import Testing

/// Usage errors exit 64 and say what is wrong; help texts show each thing once, rightly.
/// None of these needs a conductor.
struct CLIUsageTests {
    func mzt(_ arguments: [String], stdin: String? = nil) async throws -> CommandResult {
        try await TestConductor.run(TestConductor.binary, arguments, environment: ["MZT_HOME": "/tmp/mzt-usage-no-home"], stdin: stdin)
    }

    @Test(arguments: [
        (["clear", "--status", "running"], "'running' is invalid"),
        (["clear", "--older-than", "1x"], "--older-than"),
        (["help", "nosuch"], "unknown command 'nosuch'"),
        (["rerun", "x"], "unknown command 'rerun'; did you mean 'run'?"),
        (["start", "--http", "notaport"], "HOST:PORT"),
        (["add"], "give the command after --"),
        (["wait"], "--all"),
        (["move", "job"], "--first"),
    ] as [([String], String)])
    func usageErrorsExit64(arguments: [String], message: String) async throws {
        let result = try await mzt(arguments)
        #expect(result.exitCode == 64, "\(arguments): \(result.exitCode) \(result.stderr)")
        #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
    }

    @Test func helpOfAKnownCommandStillWorks() async throws {
        let result = try await mzt(["help", "submit"])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("--replace"))
    }

    @Test func helpTextsShowEachThingOnceAndRight() async throws {
        let logs = try await mzt(["logs", "--help"])
        #expect(logs.stdout.contains("-n, --lines <n>"), "\(logs.stdout)")
        #expect(!logs.stdout.contains("--n <n>"))
        let clear = try await mzt(["clear", "--help"])
        let values = clear.stdout.components(separatedBy: "completed").count - 1
        #expect(values == 1, "\(clear.stdout)")
        #expect(!clear.stdout.contains("running"))
    }

    @Test func validateReadsStandardInput() async throws {
        let score = "name: piped\nworkspace: ./w\nsheet: {size: 1, total_items: 2}\nprompt: {template: \"echo hi\"}\n"
        let result = try await mzt(["validate", "-"], stdin: score)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("valid, 2 sheets"))
        let bad = try await mzt(["validate", "-"], stdin: "name: x\n")
        #expect(bad.exitCode == 65)
    }

    @Test func aTypoInAMemberOfAKnownMappingIsAnError() async throws {
        let score = """
            name: typo
            workspace: ./w
            sheet: {size: 1, total_items: 1}
            prompt:
              template: "echo {{ user.nam }} {{ user.name }}"
              variables:
                user: {name: ada, email: a@example.org}
            """
        let result = try await mzt(["validate", "-"], stdin: score)
        #expect(result.exitCode == 65, "\(result.stdout) \(result.stderr)")
        #expect(result.stderr.contains("user.nam"), "\(result.stderr)")
        #expect(result.stderr.contains("did you mean `user.name`?"))
        let loop = """
            name: loop
            workspace: ./w
            sheet: {size: 1, total_items: 1}
            prompt:
              template: "{% for user in people %}{{ user.nam }}{% endfor %}"
              variables:
                people: [{nam: x}]
                user: {name: ada}
            """
        #expect(try await mzt(["validate", "-"], stdin: loop).exitCode == 0)
    }

    @Test func theManualPageHasEveryCommand() async throws {
        let page = try await mzt(["generate-manual"])
        #expect(page.exitCode == 0)
        #expect(page.stdout.hasPrefix(".TH MZT 1"))
        let help = try await mzt(["--help"])
        for command in ["submit", "add", "wait", "kill", "group add", "parallel", "recover", "top", "config check", "init", "module install"] {
            #expect(page.stdout.contains(".SS \(command)\n"), "missing \(command)")
        }
        #expect(page.stdout.contains("\\fB\\-\\-after <id>\\fR"))
        #expect(!help.stdout.contains("generate-manual"))
    }

    @Test func completionScriptsCompleteFilesAndAskForJobIDs() async throws {
        for shell in ["bash", "zsh", "fish"] {
            let script = try await mzt(["--generate-completion-script", shell])
            #expect(script.exitCode == 0)
            #expect(script.stdout.contains("---completion status"), "\(shell)")
            #expect(script.stdout.contains("yaml"), "\(shell)")
        }
        let bash = try await mzt(["--generate-completion-script", "bash"]).stdout
        // Enum values complete from the script itself: clear --status offers the finished ones only.
        #expect(bash.contains("-W 'completed'$'\\n''failed'$'\\n''cancelled'$'\\n''stopped'"), "\(bash)")
    }

    @Test func initWritesAScoreThatValidates() async throws {
        let dir = try TemporaryDirectory(prefix: "mzt-init")
        defer { dir.remove() }
        let made = try await mzt(["init", "starter", "--path", dir.path])
        #expect(made.exitCode == 0, "\(made.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.file(".marianne")))
        #expect(try await mzt(["validate", dir.file("starter.yaml")]).exitCode == 0)
        #expect(try await mzt(["init", "starter", "--path", dir.path]).exitCode == 1)
        #expect(try await mzt(["init", "starter", "--path", dir.path, "--force"]).exitCode == 0)
    }
}
