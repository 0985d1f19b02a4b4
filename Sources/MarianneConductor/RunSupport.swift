import Foundation
import MarianneCore
import MarianneProtocol

/// Time a job has run: what earlier runs spent (from the checkpoint) plus this run so far.
struct RunClock: Sendable {
    let before: Double
    let started = ContinuousClock.now

    var elapsed: Double {
        let spent = ContinuousClock.now - started
        return before + Double(spent.components.seconds) + Double(spent.components.attoseconds) / 1e18
    }
}

/// The checks every runner makes while a job runs (every 100 ms): a cancel signal file
/// created by a shell script, and the duration limit.
enum RunLimits {
    static let pollNanoseconds: UInt64 = 100_000_000

    /// The stop the job needs now, with the log line that says why; nil to keep running.
    /// A cancel file found is removed.
    static func check(_ checkpoint: JobCheckpoint, elapsed: Double) -> (StopRequest, String)? {
        let cancelFile = WorkspaceFiles.cancelSignal(workspace: checkpoint.workspace, jobID: checkpoint.jobID)
        if FileManager.default.fileExists(atPath: cancelFile) {
            try? FileManager.default.removeItem(atPath: cancelFile)
            return (.cancel, "cancel signal file found; cancelling")
        }
        if let limit = checkpoint.maxDurationSeconds, elapsed >= limit {
            return (.durationLimit, "Duration limit reached (\(DurationFormatter.human(limit)))")
        }
        return nil
    }
}

extension JobCheckpoint {
    /// The state a job's checkpoint takes when a run begins.
    mutating func beginRun() {
        status = .running
        pid = getpid()
        pausedByUser = false
        if startedAt == nil { startedAt = Date() }
    }

    /// The state a job's checkpoint takes when a run ends.
    mutating func endRun(_ outcome: RunOutcome) {
        status = outcome.status
        error = outcome.error
        pausedByUser = outcome == .paused
        if outcome.status.isTerminal { finishedAt = Date() }
    }
}
