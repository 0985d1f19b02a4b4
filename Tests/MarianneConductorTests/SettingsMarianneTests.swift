import Foundation
import MarianneConductor
import MarianneTestSupport
import Testing

/// conductor.yaml: Marianne's settings are a warning; every number is bounded.
struct SettingsMarianneTests {
    func load(_ yaml: String, warnings: inout [String]) throws -> ConductorSettings {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/conductor.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try ConductorSettings.load(path: path, warnings: &warnings)
    }

    @Test func marianneSettingsWarnAndTheRestStillLoads() throws {
        var warnings: [String] = []
        let settings = try load("max_concurrent_jobs: 3\nlog_level: info\nsocket: {path: /tmp/x.sock}\nmax_concurrent_sheets: 10\n", warnings: &warnings)
        #expect(settings.maxConcurrentJobs == 3)
        #expect(warnings.count == 3)
        #expect(warnings.first?.contains("log_level is a setting of Marianne's conductor") == true)
        var none: [String] = []
        #expect(throws: (any Error).self) { try load("colour: red\n", warnings: &none) }
    }

    @Test(arguments: ["kill_grace_seconds: .inf", "shutdown_grace_seconds: 1e300", "kill_grace_seconds: .nan", "max_concurrent_jobs: 99999999",
                      "max_message_bytes: 99999999999999", "cleanup_age: 99999999d"])
    func hostileNumbersAreRefused(yaml: String) {
        var warnings: [String] = []
        #expect(throws: (any Error).self) { try load(yaml, warnings: &warnings) }
    }
}
