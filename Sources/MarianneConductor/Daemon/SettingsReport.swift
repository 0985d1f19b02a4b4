import Foundation
import MarianneProtocol

/// What `mzt-conductor --check-config` prints: whether `conductor.yaml` is valid, its
/// warnings, and the settings a conductor started now would use (defaults included). `mzt
/// config check`, `mzt config show` and `mzt restart` (before it stops anything) read it.
public enum SettingsReport {
    /// The report as JSON and the exit code: 0 valid, 65 invalid.
    public static func check(path: String, http: String?, allowRemote: Bool) -> (json: String, code: Int32) {
        var warnings: [String] = []
        var object: [String: JSONValue] = ["path": .string(path), "exists": .bool(FileManager.default.fileExists(atPath: path))]
        do {
            var settings = try ConductorSettings.load(path: path, warnings: &warnings)
            if let http { settings.http = try HTTPListenSettings.parse(http, allowRemote: allowRemote) }
            object["valid"] = .bool(true)
            object["settings"] = describe(settings)
        } catch {
            object["valid"] = .bool(false)
            object["error"] = .string("\(error)")
        }
        object["warnings"] = .array(warnings.map(JSONValue.string))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = (try? encoder.encode(JSONValue.object(object))).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return (text, object["valid"] == .bool(true) ? 0 : 65)
    }

    static func describe(_ settings: ConductorSettings) -> JSONValue {
        var object: [String: JSONValue] = [
            "max_concurrent_jobs": .int(settings.maxConcurrentJobs),
            "cleanup_age_seconds": settings.cleanupAgeSeconds.map(JSONValue.double) ?? .null,
            "kill_grace_seconds": .double(settings.killGraceSeconds),
            "shutdown_grace_seconds": .double(settings.shutdownGraceSeconds),
            "max_message_bytes": .int(settings.maxMessageBytes),
            "max_log_entries_per_job": .int(settings.maxLogEntriesPerJob),
        ]
        if let http = settings.http {
            object["http"] = .object(["host": .string(http.host), "port": .int(http.port), "allow_remote": .bool(http.allowRemote)])
        } else {
            object["http"] = .null
        }
        return .object(object)
    }
}
