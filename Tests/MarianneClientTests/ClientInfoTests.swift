import MarianneClient
import MarianneProtocol
import Testing

struct ClientInfoTests {
    @Test func clientReportsTheSharedVersion() {
        #expect(MarianneClientInfo.version == marianneVersion)
    }
}
