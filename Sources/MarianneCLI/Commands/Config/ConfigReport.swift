import Foundation
import MarianneClient
import MarianneProtocol

/// What `mzt-conductor --check-config` says of a home's `conductor.yaml`: valid or not, the
/// error, the warnings, and the settings a conductor started now would use. The conductor's
/// own loader decides, so `mzt` and the conductor can never disagree.
struct ConfigReport: Decodable {
    var path: String
    var exists: Bool
    var valid: Bool
    var error: String?
    var warnings: [String]
    var settings: JSONValue?

    /// Runs the check; nil (with the reason on standard error) when it cannot run.
    static func check(home: ConductorHome, http: [String] = []) -> ConfigReport? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ConductorProcess.executable)
        process.arguments = ["--home", home.root, "--check-config"] + http
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            Problem.error("cannot run \(ConductorProcess.executable) to check the settings: \(error)")
            return nil
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard let report = try? JSONDecoder().decode(ConfigReport.self, from: data) else {
            Problem.error("\(ConductorProcess.executable) --check-config gave no report (exit \(process.terminationStatus)); is it the same version as mzt?")
            return nil
        }
        return report
    }
}
