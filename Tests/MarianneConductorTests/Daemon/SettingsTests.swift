import Foundation
import MarianneConductor
import MarianneProtocol
import MarianneTestSupport
import Testing

struct SettingsTests {
    func load(_ yaml: String) throws -> ConductorSettings {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/conductor.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try ConductorSettings.load(path: path)
    }

    @Test("http: takes HOST:PORT, a bare port, or a mapping")
    func httpForms() throws {
        #expect(try load("http: 127.0.0.1:8420").http == HTTPListenSettings(host: "127.0.0.1", port: 8420))
        #expect(try load("http: 8421").http == HTTPListenSettings(host: "127.0.0.1", port: 8421))
        #expect(try load("http: {listen: \"[::1]:9000\"}").http == HTTPListenSettings(host: "::1", port: 9000))
        #expect(try load("http: {listen: 0.0.0.0:80, allow_remote: true}").http == HTTPListenSettings(host: "0.0.0.0", port: 80, allowRemote: true))
        #expect(try load("max_concurrent_jobs: 2").http == nil)
    }

    @Test("A non-loopback address without allow_remote, or a bad one, is refused with what to do")
    func httpRefusals() {
        func message(_ yaml: String) -> String {
            do {
                _ = try load(yaml)
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        #expect(message("http: 0.0.0.0:8420").contains("not a loopback address"))
        #expect(message("http: 0.0.0.0:8420").contains("allow_remote"))
        #expect(message("http: 192.168.1.5:8420").contains("not a loopback address"))
        #expect(message("http: localhost:99999").contains("HOST:PORT"))
        #expect(message("http: {allow_remote: true}").contains("listen is missing"))
        #expect(message("http: {listen: 1, port: 2}").contains("unknown key port"))
        #expect(message("http: {listen: 1, allow_remote: perhaps}").contains("true or false"))
        #expect(message("htp: 1").contains("known settings:"))
    }

    @Test("The same rules apply to --http")
    func parse() throws {
        #expect(try HTTPListenSettings.parse("localhost:0", allowRemote: false).isLoopback)
        #expect(try HTTPListenSettings.parse("127.0.0.2:1", allowRemote: false).port == 1)
        #expect(throws: HTTPListenError.self) { try HTTPListenSettings.parse("example.com:80", allowRemote: false) }
        #expect(try HTTPListenSettings.parse("example.com:80", allowRemote: true).host == "example.com")
        #expect(throws: HTTPListenError.self) { try HTTPListenSettings.parse(":80", allowRemote: true) }
        #expect(throws: HTTPListenError.self) { try HTTPListenSettings.parse("[::1]", allowRemote: true) }
    }
}
