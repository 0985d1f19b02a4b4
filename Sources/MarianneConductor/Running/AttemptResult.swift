import Foundation
import MarianneCore
import MarianneProtocol

/// What one attempt of a sheet produced.
struct AttemptResult: Sendable {
    var status: ExitStatus?
    var timedOut: Bool
    var rateLimited: Bool
    var validations: [ValidationOutcome]
    var stdoutTail: String
    var stderrTail: String
    /// Why the attempt failed; nil when it succeeded.
    var failure: String?
    /// The program could not be started (missing binary, bad working directory).
    var spawnFailure: SpawnError.Kind?
    /// The attempt's Slurm job is gone (see `ExecutionResult.lost`).
    var slurmJobLost = false
    /// What kind of failure the instrument's output showed (nil: it ran and answered).
    var kind: InstrumentFailureKind? = nil
    /// The instrument and model that played, and what they reported and cost.
    var instrument: String? = nil
    var model: String? = nil
    var usage: TokenUsage? = nil
    var duration: Double = 0

    /// The instrument ran and answered (so its validations were checked).
    var answered = false

    var succeeded: Bool { failure == nil }

    static func failed(_ message: String, spawn: SpawnError.Kind? = nil) -> AttemptResult {
        AttemptResult(
            status: nil, timedOut: false, rateLimited: false, validations: [], stdoutTail: "", stderrTail: "",
            failure: message, spawnFailure: spawn
        )
    }

    /// What a self-healing attempt is told about the failure before it.
    var failureContext: String {
        var lines = ["failure: \(failure ?? "unknown")"]
        if let code = status?.exitCode { lines.append("exit code: \(code)") }
        let failed = validations.filter { !$0.passed }
        if !failed.isEmpty {
            lines.append("failed validations:")
            lines += failed.map { "- \($0.description)" + ($0.message.map { ": \($0)" } ?? "") }
        }
        if !stderrTail.isEmpty {
            lines.append("stderr tail:")
            lines.append(String(stderrTail.suffix(2000)))
        }
        return lines.joined(separator: "\n")
    }
}

/// The first or last bytes of an attempt's output files.
enum OutputTail {
    /// The first `limit` bytes of a file (never through a symlink), decoded leniently; nil
    /// when unreadable.
    static func head(of path: String, limit: Int) -> String? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: limit)
        var total = 0
        while total < limit {
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + total, limit - total, off_t(total)) }
            if count <= 0 { break }
            total += count
        }
        return String(decoding: buffer[..<total], as: UTF8.self)
    }

    /// The last `limit` bytes of a file, decoded leniently; "" when unreadable.
    static func of(_ path: String, limit: Int = 4096) -> String {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        let size = lseek(fd, 0, SEEK_END)
        guard size > 0 else { return "" }
        let start = max(0, size - off_t(limit))
        var buffer = [UInt8](repeating: 0, count: Int(size - start))
        let count = pread(fd, &buffer, buffer.count, start)
        return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : ""
    }
}
