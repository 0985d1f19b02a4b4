import Foundation
import MarianneTestSupport
import Testing

/// Completion of job ids asks the conductor, quickly; with the conductor down it offers
/// nothing and says nothing.
@Suite(.serialized)
struct CLICompletionTests {
    /// What the shell scripts run when TAB is pressed on `mzt status PREFIX`.
    func complete(_ home: String, _ command: String, prefix: String) async throws -> CommandResult {
        try await TestConductor.run(
            TestConductor.binary, ["---completion", command, "--", "positional@0", "2", "\(prefix.count)", "mzt", command, prefix],
            environment: ["MZT_HOME": home]
        )
    }

    @Test func jobIDsComeFromTheConductor() async throws {
        let fx = try await JobFixture()
        for id in ["build-one", "build-two", "test"] {
            #expect(try await CLI.submit(fx, id, "true").exitCode == 0)
        }
        let found = try await complete(fx.conductor.home, "status", prefix: "build")
        #expect(found.exitCode == 0)
        #expect(Set(found.stdout.components(separatedBy: .newlines).filter { !$0.isEmpty }) == ["build-one", "build-two"], "\(found.stdout)")
        let all = try await complete(fx.conductor.home, "logs", prefix: "")
        #expect(all.stdout.contains("test"))
    }

    @Test func aConductorThatIsDownGivesNothingQuicklyAndSilently() async throws {
        let dir = try TemporaryDirectory(prefix: "mzt-nocond")
        defer { dir.remove() }
        let started = Date()
        let result = try await complete(dir.path, "status", prefix: "")
        #expect(Date().timeIntervalSince(started) < 15, "a completion never waits for a conductor that is down")
        #expect(result.stdout.isEmpty, "\(result.stdout)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test func instrumentNamesForInstrumentsCheck() async throws {
        let dir = try TemporaryDirectory(prefix: "mzt-complete")
        defer { dir.remove() }
        let result = try await TestConductor.run(
            TestConductor.binary, ["---completion", "instruments", "check", "--", "positional@0", "3", "2", "mzt", "instruments", "check", "co"],
            environment: ["MZT_HOME": dir.path]
        )
        #expect(result.exitCode == 0, "\(result.stderr)")
        let names = Set(result.stdout.components(separatedBy: .newlines).filter { !$0.isEmpty })
        #expect(names.contains("codex-cli"), "\(result.stdout)")
        #expect(!names.contains("claude-code"))
    }

    @Test func scoreFilesAndModulesForRun() async throws {
        let fx = try await JobFixture()
        try "name: a\n".write(toFile: fx.dir.file("alpha.yaml"), atomically: true, encoding: .utf8)
        try "x".write(toFile: fx.dir.file("alpha.txt"), atomically: true, encoding: .utf8)
        let result = try await complete(fx.conductor.home, "run", prefix: fx.dir.path + "/al")
        #expect(result.stdout.contains(fx.dir.file("alpha.yaml")), "\(result.stdout)")
        #expect(!result.stdout.contains("alpha.txt"))
    }
}
