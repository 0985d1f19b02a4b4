import MarianneConductor
import MarianneProtocol
import Testing

struct ConductorHomeTests {
    @Test func explicitHomeWinsOverEnvironment() {
        let home = ConductorHome.resolve(explicit: "/tmp/a", environment: ["MZT_HOME": "/tmp/b", "HOME": "/root"])
        #expect(home.root == "/tmp/a")
        #expect(home.socketPath == "/tmp/a/conductor.sock")
    }

    @Test func environmentThenDefault() {
        #expect(ConductorHome.resolve(environment: ["MZT_HOME": "/tmp/b", "HOME": "/root"]).root == "/tmp/b")
        #expect(ConductorHome.resolve(environment: ["HOME": "/home/u"]).root == "/home/u/.marianne")
    }
}
