import Foundation
import MarianneClient
import MarianneProtocol
import MarianneTestSupport
import Testing

/// The loopback rule is about the addresses a host resolves to, not its spelling, and the
/// gateway binds the address it checked.
@Suite("Gateway listen addresses", .serialized)
struct ListenAddressTests {
    @Test("A name that merely starts like a loopback address is refused unless remote is allowed")
    func namesAreResolved() throws {
        for name in ["127.x.example:8420", "127.0.0.1.example:0", "localhost.example:0"] {
            #expect(throws: HTTPListenError.self, "\(name)") { try HTTPListenSettings.parse(name, allowRemote: false) }
        }
        #expect(throws: HTTPListenError.self) { try HTTPListenSettings.parse("0.0.0.0:0", allowRemote: false) }
        #expect(throws: HTTPListenError.self) { try HTTPListenSettings.parse("[::]:0", allowRemote: false) }
        let localhost = try HTTPListenSettings.parse("localhost:0", allowRemote: false)
        #expect(HTTPListenSettings.isLoopbackAddress(try localhost.bindAddress()))
        #expect(try HTTPListenSettings.parse("127.0.0.2:0", allowRemote: false).bindAddress() == "127.0.0.2")
        #expect(try HTTPListenSettings.parse("[::1]:0", allowRemote: false).bindAddress() == "::1")
        // The wildcard only when asked for.
        #expect(try HTTPListenSettings.parse("0.0.0.0:0", allowRemote: true).bindAddress() == "0.0.0.0")
        var message = ""
        do { _ = try HTTPListenSettings.parse("127.x.example:1", allowRemote: false) } catch { message = error.description }
        #expect(message.contains("cannot resolve 127.x.example"), "\(message)")
    }

    @Test("mzt start --http with a name that is not loopback fails with the reason; localhost binds its loopback address")
    func startRefusesAndBindsResolved() async throws {
        let home = try TemporaryDirectory(prefix: "mzt-listen")
        defer { home.remove() }
        let environment = ["MZT_HOME": home.path]
        let refused = try await TestConductor.run(TestConductor.binary, ["start", "--http", "127.x.example:0"], environment: environment)
        #expect(refused.exitCode != 0)
        #expect(refused.stderr.contains("cannot resolve 127.x.example"), "\(refused.stderr)")
        #expect(ConductorHome(root: home.path).runningPid() == nil)

        let conductor = try await TestConductor.start(settings: "http: localhost:0\n")
        defer { conductor.shutdown() }
        let status = try await conductor.client.call(RPCMethod.conductorStatus, params: Empty(), as: ConductorStatusResult.self)
        let url = try #require(status.httpURL)
        #expect(url.hasPrefix("http://127.0.0.1:") || url.hasPrefix("http://[::1]:"), "\(url)")
    }
}
