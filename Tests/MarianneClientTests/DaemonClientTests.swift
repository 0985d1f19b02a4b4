import Foundation
import MarianneClient
import MarianneProtocol
import MarianneTestSupport
import Testing

struct DaemonClientTests {
    @Test func nothingListeningGivesTheCleanMessage() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let client = DaemonClient(socketPath: dir.file("conductor.sock"))
        await #expect(throws: ClientError.conductorNotRunning) {
            _ = try await client.call(RPCMethod.conductorHealth, params: Empty(), as: HealthResult.self)
        }
        #expect(ClientError.conductorNotRunning.description == "conductor is not running. Start it with: mzt start")
    }

    @Test func aStaleSocketFileIsNotRunningEither() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("conductor.sock")
        FileManager.default.createFile(atPath: path, contents: nil)
        let service = JobControlService(client: DaemonClient(socketPath: path))
        await #expect(throws: ClientError.conductorNotRunning) { _ = try await service.pauseJob("x") }
    }

    @Test func configPathsAreCheckedBeforeSending() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        #expect(throws: ConfigPathError.self) { try JobControlService.checkedPath(dir.file("score.json")) }
        #expect(throws: ConfigPathError.self) { try JobControlService.checkedPath(dir.path + "/../x.yaml") }
        #expect(throws: ConfigPathError.self) { try JobControlService.checkedPath(dir.file("missing.yaml")) }
        FileManager.default.createFile(atPath: dir.file("ok.yaml"), contents: Data("name: x".utf8))
        #expect(try JobControlService.checkedPath(dir.file("ok.yaml")) == dir.file("ok.yaml"))
    }

    @Test func inlineContentTempFileIsRemovedEvenWhenTheCallFails() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let tmp = dir.file("tmp")
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        let service = JobControlService(client: DaemonClient(socketPath: dir.file("none.sock")), temporaryDirectory: tmp)
        await #expect(throws: ClientError.conductorNotRunning) {
            _ = try await service.startJob(configContent: "name: inline\nworkspace: ./ws\nprompt: {template: 'true'}\nbackend: {type: command}\n")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp).isEmpty)
    }
}
