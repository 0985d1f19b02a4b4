import MarianneCLI
import MarianneProtocol
import Testing

struct VersionTests {
    @Test func versionIsTheProtocolPackageVersion() {
        #expect(MZT.configuration.version == marianneVersion)
    }
}
