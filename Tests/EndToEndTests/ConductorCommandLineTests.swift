import Foundation
import MarianneTestSupport
import Testing

/// `mzt-conductor` run by hand: `--help` prints its usage and a wrong argument is refused,
/// and neither starts a conductor.
struct ConductorCommandLineTests {
    var conductor: String { URL(fileURLWithPath: TestConductor.binary).deletingLastPathComponent().appendingPathComponent("mzt-conductor").path }

    func freshHome() throws -> String {
        let home = NSTemporaryDirectory() + "mzt-args-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return home
    }

    @Test func helpPrintsTheUsageAndStartsNothing() async throws {
        let home = try freshHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let result = try await TestConductor.run(conductor, ["--home", home, "--help"], timeout: 30)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("usage: mzt-conductor [--home DIR]"), "\(result.stdout)")
        #expect(!FileManager.default.fileExists(atPath: home + "/conductor.sock"))
    }

    @Test func anUnknownArgumentIsRefusedWithExit64() async throws {
        let home = try freshHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let result = try await TestConductor.run(conductor, ["--home", home, "--foreground"], timeout: 30)
        #expect(result.exitCode == 64, "\(result.exitCode) \(result.stderr)")
        #expect(result.stderr.contains("unknown argument '--foreground'"), "\(result.stderr)")
        #expect(result.stderr.contains("mzt start"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: home + "/conductor.sock"))
    }
}
