import Foundation
import MarianneProtocol
import MarianneCore
import Yams

extension ConductorSettings {
    static let keys: Set<String> = [
        "max_concurrent_jobs", "cleanup_age", "kill_grace_seconds", "max_message_bytes", "shutdown_grace_seconds", "http",
        "max_log_entries_per_job", "executor",
    ]
    /// Settings of Marianne's conductor that this one does not have: a warning, not an error.
    static let marianneKeys: Set<String> = [
        "config_file", "default_thinking_method", "job_timeout_seconds", "keyring", "learning", "log_file", "log_level",
        "max_concurrent_sheets", "max_job_history", "mcp_pool", "monitor_interval_seconds", "observer", "pid_file", "preflight",
        "profiler", "resource_limits", "shutdown_timeout_seconds", "socket", "state_backend_type", "state_db_path",
    ]

    /// Reads `conductor.yaml`; a missing file gives the defaults, a bad one a clear error.
    /// Warnings (Marianne settings this conductor ignores) go to standard error.
    public static func load(path: String) throws -> ConductorSettings {
        var warnings: [String] = []
        let settings = try load(path: path, warnings: &warnings)
        for warning in warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        return settings
    }

    /// Reads `conductor.yaml`, collecting warnings.
    public static func load(path: String, warnings: inout [String]) throws -> ConductorSettings {
        var settings = ConductorSettings()
        guard let data = FileManager.default.contents(atPath: path) else { return settings }
        func fail(_ message: String) -> ConductorStartError {
            ConductorStartError(kind: .settings, description: "\(path): \(message)")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: String(decoding: data, as: UTF8.self), .default, .default, .utf8)
        } catch {
            throw fail("not valid YAML (\(ScoreLoader.check(yaml: String(decoding: data, as: UTF8.self), baseDirectory: "/").1.first?.message ?? "\(error)"))")
        }
        guard let root else { return settings }
        guard case .mapping(let mapping) = root else { throw fail("expected a mapping of settings") }
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let line = keyNode.mark.map { " (line \($0.line))" } ?? ""
            func number(max: Double = 3600) throws -> Double {
                guard let number = value.float ?? value.int.map(Double.init), number.isFinite, number >= 0, number <= max else {
                    throw fail("\(key) must be a number from 0 to \(Int(max))\(line)")
                }
                return number
            }
            switch key {
            case "max_concurrent_jobs":
                guard let count = value.int, count >= 1, count <= 10_000 else { throw fail("max_concurrent_jobs must be an integer from 1 to 10000\(line)") }
                settings.maxConcurrentJobs = count
            case "cleanup_age":
                if value.string == "never" || value.null != nil {
                    settings.cleanupAgeSeconds = nil
                } else {
                    do { settings.cleanupAgeSeconds = try DurationParser.parse(value.string ?? "") } catch {
                        throw fail("cleanup_age: \(error)\(line)")
                    }
                    if let age = settings.cleanupAgeSeconds, !(age.isFinite && age <= 100 * 365 * 86_400) {
                        throw fail("cleanup_age must be at most 100 years\(line)")
                    }
                }
            case "kill_grace_seconds": settings.killGraceSeconds = try number()
            case "shutdown_grace_seconds": settings.shutdownGraceSeconds = try number()
            case "max_message_bytes":
                guard let bytes = value.int, bytes >= 1024, bytes <= 1 << 30 else { throw fail("max_message_bytes must be an integer from 1024 to 1073741824\(line)") }
                settings.maxMessageBytes = bytes
            case "max_log_entries_per_job":
                guard let count = value.int, count >= 100, count <= 100_000_000 else {
                    throw fail("max_log_entries_per_job must be an integer from 100 to 100000000\(line)")
                }
                settings.maxLogEntriesPerJob = count
            case "http":
                settings.http = try http(value, fail: { fail("http: \($0)\(line)") })
            case _ where marianneKeys.contains(key):
                warnings.append("\(path): \(key) is a setting of Marianne's conductor that this conductor does not have; it is ignored\(line)")
            case "executor":
                var problems: [ScoreProblem] = []
                settings.executor = ExecutorReader.read(value, path: "executor", problems: &problems)
                if let problem = problems.first { throw fail(problem.description) }
            default:
                let hint = Spelling.closest(to: key.lowercased(), in: keys).map { "did you mean \($0)? " } ?? ""
                throw fail("unknown setting \(key)\(line); \(hint)known settings: \(keys.sorted().joined(separator: ", "))")
            }
        }
        return settings
    }

    /// `http: 127.0.0.1:8420` or `http: {listen: ..., allow_remote: true}`.
    private static func http(_ node: Node, fail: (String) -> ConductorStartError) throws -> HTTPListenSettings? {
        var listen: String?
        var allowRemote = false
        switch node {
        case .scalar:
            if node.null != nil { return nil }
            listen = node.int.map { "127.0.0.1:\($0)" } ?? node.string
        case .mapping(let mapping):
            for (key, value) in mapping {
                switch key.string ?? "" {
                case "listen": listen = value.int.map { "127.0.0.1:\($0)" } ?? value.string
                case "allow_remote":
                    guard let flag = value.bool else { throw fail("allow_remote must be true or false") }
                    allowRemote = flag
                default: throw fail("unknown key \(key.string ?? ""); known keys: allow_remote, listen")
                }
            }
        default:
            throw fail("expected HOST:PORT or a mapping with listen and allow_remote")
        }
        guard let listen else { throw fail("listen is missing (HOST:PORT)") }
        do {
            return try HTTPListenSettings.parse(listen, allowRemote: allowRemote)
        } catch {
            throw fail(error.description)
        }
    }
}
