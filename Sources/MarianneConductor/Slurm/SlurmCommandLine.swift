import Foundation
import MarianneCore
import MarianneProtocol

/// Slurm's client programs the conductor runs.
enum SlurmTool: String, Sendable, CaseIterable {
    case sbatch, squeue, scontrol, scancel, sacct
}

/// How one run of a Slurm client program ended.
struct SlurmCommandResult: Sendable, Equatable {
    /// nil when the program could not be started or was stopped at its timeout.
    var exitCode: Int32?
    var stdout: [String]
    var stderr: [String]
    var timedOut = false
    /// Why it could not be started (not on PATH, ...).
    var spawnFailure: String?

    var succeeded: Bool { exitCode == 0 }

    /// The first line of standard error, or what else went wrong, for messages.
    func problem(_ tool: SlurmTool, timeout: Double) -> String {
        if let spawnFailure { return spawnFailure }
        if timedOut { return "\(tool.rawValue) did not answer within \(DurationFormatter.human(timeout)) (is slurmctld up? try scontrol ping)" }
        let text = stderr.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? "exit code \(exitCode.map(String.init) ?? "?")"
        return "\(tool.rawValue): \(text.trimmingCharacters(in: .whitespaces))"
    }
}

/// Runs Slurm's client programs (a seam: tests give a fake cluster).
protocol SlurmCommandRunning: Sendable {
    /// Runs `tool` with `arguments` (each one argv item, no shell); `environment` nil = the
    /// conductor's. Never throws and never waits past `timeout`.
    func run(_ tool: SlurmTool, _ arguments: [String], environment: [String: String]?, timeout: Double) async -> SlurmCommandResult
}

/// The real programs, started like every child of the conductor (`ProcessRunner`): argv
/// items only, a timeout, the process group stopped at the end.
struct SlurmCommandLine: SlurmCommandRunning {
    static func missing(_ tool: SlurmTool) -> String {
        "\(tool.rawValue) is not on the conductor's PATH: install Slurm's client commands (Debian: slurm-client) or run the sheet with executor: local"
    }

    /// Lines of output kept per stream (squeue for many jobs prints one line each).
    static let maxLines = 100_000

    func run(_ tool: SlurmTool, _ arguments: [String], environment: [String: String]?, timeout: Double) async -> SlurmCommandResult {
        let out = LineBox(limit: Self.maxLines)
        let err = LineBox(limit: 200)
        let spec = ProcessSpec(
            executable: tool.rawValue, arguments: arguments, environment: environment ?? ProcessInfo.processInfo.environment,
            workingDirectory: "/", stdin: .null,
            stdout: .lines(OutputLines(overflow: .wait) { out.take($0) }),
            stderr: .lines(OutputLines(overflow: .wait) { err.take($0) })
        )
        do {
            let outcome = try await ProcessRunner.run(spec, timeout: timeout, grace: 1)
            return SlurmCommandResult(
                exitCode: outcome.timedOut || outcome.cancelled ? nil : outcome.status.exitCode, stdout: out.lines, stderr: err.lines,
                timedOut: outcome.timedOut
            )
        } catch {
            let message = error.kind == .notFound ? Self.missing(tool) : "\(tool.rawValue) could not be started: \(error.description)"
            return SlurmCommandResult(exitCode: nil, stdout: [], stderr: [], spawnFailure: message)
        }
    }
}

/// Collects output lines, at most `limit`.
final class LineBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    var lines: [String] { lock.withLock { stored } }

    func take(_ event: OutputLines.Event) {
        guard case .line(let line) = event else { return }
        lock.withLock { if stored.count < limit { stored.append(line) } }
    }
}
