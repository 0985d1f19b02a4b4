import Foundation
import MarianneTestSupport
import Testing

/// `list`, `status ID` and `conductor-status` are recognised before the argument parser;
/// any other flag (here `--home`, naming the same conductor) takes the parser's path. Both
/// must print the same thing and exit the same way.
struct CLIQuickPathTests {
    @Test func theQuickAndTheParsedPathPrintTheSame() async throws {
        let fx = try await JobFixture()
        #expect(try await CLI.submit(fx, "ok", "true", wait: true).exitCode == 0)
        #expect(try await CLI.submit(fx, "bad", "exit 3", wait: true).exitCode != 0)
        let home = fx.conductor.home
        for words in [["list"], ["list", "--json"], ["status", "ok"], ["status", "bad", "--json"], ["status", "nosuch"]] {
            let quick = try await fx.conductor.run(words)
            let parsed = try await fx.conductor.run(words + ["--home", home])
            #expect(quick.exitCode == parsed.exitCode, "\(words)")
            #expect(quick.stdout == parsed.stdout, "\(words)")
            #expect(quick.stderr == parsed.stderr, "\(words)")
        }
        let status = try await fx.conductor.run(["conductor-status", "--json"])
        #expect(status.exitCode == 0 && status.stdout.contains("\"pid\""))
    }
}
