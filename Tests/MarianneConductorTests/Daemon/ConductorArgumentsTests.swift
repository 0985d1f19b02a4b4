import MarianneConductor
import Testing

/// The conductor's command line: what `mzt start` writes is read back, anything else refused.
struct ConductorArgumentsTests {
    @Test func readsWhatStartWrites() throws {
        let parsed = try ConductorArguments.parse(["--home", "/tmp/h", "--http", "127.0.0.1:8080", "--http-allow-remote"])
        #expect(parsed.home == "/tmp/h")
        #expect(parsed.http == "127.0.0.1:8080")
        #expect(parsed.httpAllowRemote)
        #expect(!parsed.checkConfig && !parsed.help)
        #expect(try ConductorArguments.parse(["--home", "/tmp/h", "--check-config"]).checkConfig)
        #expect(try ConductorArguments.parse([]) == ConductorArguments())
        #expect(try ConductorArguments.parse(["-h"]).help)
    }

    @Test(arguments: [
        (["--bogus"], "unknown argument '--bogus'"),
        (["--home", "/tmp/h", "extra"], "unknown argument 'extra'"),
        (["--home"], "--home needs a value"),
        (["--http", "--check-config"], "--http needs a value"),
    ] as [([String], String)])
    func refusesWhatItDoesNotKnow(arguments: [String], message: String) {
        #expect {
            try ConductorArguments.parse(arguments)
        } throws: { error in
            guard let refusal = error as? ConductorArguments.Refusal else { return false }
            return refusal.message.contains(message) && refusal.description.contains("usage: mzt-conductor")
        }
    }
}
