import Foundation
import MarianneCore
import MarianneProtocol

/// Whether an instrument can be played from this environment: its program on `PATH`, the
/// version it reports, which of its credential variables are set.
enum InstrumentReadiness {
    /// One line of `mzt instruments list`.
    struct Summary: Codable {
        var name: String
        var displayName: String
        var kind: String
        /// `ready`, `not found` or `not runnable` (an HTTP profile).
        var status: String
        var binaryPath: String?
        var defaultModel: String?
        var capabilities: [String]
        var source: String

        enum CodingKeys: String, CodingKey {
            case name, kind, status, capabilities, source
            case displayName = "display_name"
            case binaryPath = "binary_path"
            case defaultModel = "default_model"
        }
    }

    /// `mzt instruments check`.
    struct Check: Codable {
        struct Credential: Codable {
            var name: String
            var set: Bool
        }

        var name: String
        var displayName: String
        var kind: String
        var description: String?
        var source: String
        var executable: String?
        var binaryFound: Bool
        var binaryPath: String?
        var version: String?
        /// Only these credential variables reach the tool; nil: the whole environment does.
        var credentials: [Credential]?
        var defaultModel: String?
        var models: [ModelCapacity]
        var ready: Bool
        var verdict: String

        enum CodingKeys: String, CodingKey {
            case name, kind, description, source, executable, version, credentials, models, ready, verdict
            case displayName = "display_name"
            case binaryFound = "binary_found"
            case binaryPath = "binary_path"
            case defaultModel = "default_model"
        }
    }

    static func summary(_ profile: InstrumentProfile, path: String?) -> Summary {
        let binary = profile.cli.flatMap { locate($0.command.executable, path: path) }
        let status = profile.cli == nil ? "not runnable" : binary == nil ? "not found" : "ready"
        return Summary(
            name: profile.name, displayName: profile.displayName, kind: profile.kind, status: status, binaryPath: binary,
            defaultModel: profile.defaultModel, capabilities: profile.capabilities, source: profile.source
        )
    }

    static func check(_ profile: InstrumentProfile, environment: [String: String]) -> Check {
        let executable = profile.cli?.command.executable
        let binary = executable.flatMap { locate($0, path: environment["PATH"]) }
        let credentials = profile.cli?.command.requiredEnv.map { names in
            names.map { Check.Credential(name: $0, set: !(environment[$0] ?? "").isEmpty) }
        }
        let reported = binary.flatMap { Self.version(of: $0) }
        let verdict: String
        let ready: Bool
        if profile.cli == nil {
            ready = false
            verdict = "\(profile.name) is an \(profile.kind) instrument: this conductor plays command-line instruments only"
        } else if binary == nil {
            ready = false
            verdict = "\(profile.name) is not ready: \(executable ?? "its program") is not on PATH; install it, or set instrument_config.executable to its path"
        } else if let credentials, !credentials.isEmpty, !credentials.contains(where: \.set) {
            ready = true
            verdict = "\(profile.name) is ready; none of its credential variables is set, so it must be logged in on its own (\(credentials.prefix(3).map(\.name).joined(separator: ", ")), ...)"
        } else {
            ready = true
            verdict = "\(profile.name) is ready"
        }
        return Check(
            name: profile.name, displayName: profile.displayName, kind: profile.kind, description: profile.description,
            source: profile.source, executable: executable, binaryFound: binary != nil, binaryPath: binary, version: reported,
            credentials: credentials, defaultModel: profile.defaultModel, models: profile.models, ready: ready, verdict: verdict
        )
    }

    static func render(_ check: Check) -> String {
        var lines = ["\(check.name) (\(check.displayName))"]
        if let description = check.description { lines.append("  \(description)") }
        lines.append("  profile:     \(check.source)")
        if let executable = check.executable {
            lines.append("  binary:      \(check.binaryPath ?? "\(executable) not found on PATH")")
            lines.append("  version:     \(check.version ?? "-")")
        }
        if let credentials = check.credentials {
            let shown = credentials.map { "\($0.name) \($0.set ? "set" : "unset")" }
            lines.append("  credentials: \(shown.isEmpty ? "none passed" : shown.joined(separator: ", "))")
        } else {
            lines.append("  credentials: not filtered (the whole environment is passed)")
        }
        lines.append("  model:       \(check.defaultModel ?? "the tool's default")")
        for model in check.models {
            let price = model.costPer1kInput > 0 || model.costPer1kOutput > 0
                ? String(format: " ($%.4f/1K in, $%.4f/1K out)", model.costPer1kInput, model.costPer1kOutput) : " (free)"
            lines.append("    \(model.name): \(model.contextWindow) tokens of context, \(model.maxConcurrent) at once\(price)")
        }
        lines.append(check.verdict)
        return lines.joined(separator: "\n")
    }

    /// An executable's path: as given when it has a slash, else the first match on `path`.
    static func locate(_ executable: String, path: String?) -> String? {
        if executable.contains("/") { return FileManager.default.isExecutableFile(atPath: executable) ? executable : nil }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(executable)"
            var info = stat()
            if stat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// The first line `PROGRAM --version` prints, waiting at most 10 seconds.
    static func version(of binary: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--version"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let done = DispatchSemaphore(value: 0)
        let reader = DispatchQueue(label: "mzt.version")
        nonisolated(unsafe) var data = Data()
        reader.async {
            data = output.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        if done.wait(timeout: .now() + 10) == .timedOut {
            process.terminate()
            return nil
        }
        process.waitUntilExit()
        let text = String(decoding: data.prefix(4096), as: UTF8.self)
        return text.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
