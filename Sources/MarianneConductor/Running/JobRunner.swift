import Foundation
import MarianneCore
import MarianneProtocol

/// How a run of a job ended.
enum RunOutcome: Sendable, Equatable {
    case completed
    case failed(String)
    case cancelled
    /// The duration limit passed.
    case stopped(String)
    case paused
    /// The conductor is shutting down; the job stays `running` in its checkpoint and is
    /// resumed by the next conductor.
    case interrupted

    var status: JobStatus {
        switch self {
        case .completed: return .completed
        case .failed: return .failed
        case .cancelled: return .cancelled
        case .stopped: return .stopped
        case .paused: return .paused
        case .interrupted: return .running
        }
    }

    var error: String? {
        switch self {
        case .failed(let reason), .stopped(let reason): return reason
        default: return nil
        }
    }
}

/// Why a running job is being stopped.
enum StopRequest: Sendable, Equatable {
    case cancel
    case durationLimit
    case shutdown
    /// The checkpoint could not be written: the job fails with this reason.
    case checkpointFailed(String)

    var outcome: RunOutcome {
        switch self {
        case .cancel: return .cancelled
        case .durationLimit: return .stopped("Duration limit reached")
        case .shutdown: return .interrupted
        case .checkpointFailed(let reason): return .failed(reason)
        }
    }
}

/// Something the queue runs for a job: the score runner or a module runner.
protocol JobRunner: Sendable {
    func run() async -> RunOutcome
    /// Stops the job's processes now (TERM, then KILL after the grace period).
    func requestStop(_ request: StopRequest) async
    /// Pause at the next boundary (a score: the next sheet; a module: now, to be started
    /// again from its checkpoint).
    func requestPause() async
    /// Stops (`SIGSTOP`) or continues (`SIGCONT`) the running process groups, and records
    /// the job as paused (or running again) in its checkpoint.
    func freeze(_ frozen: Bool) async
    /// Process id of a process in flight (for `job.health`).
    func currentPID() async -> Int32?
    /// The job's state as the runner holds it now (fresher than the checkpoint file).
    func snapshot() async -> JobCheckpoint
}

/// What a runner reports while it runs: log entries (with progress), results, follow-ups.
protocol RunEvents: Sendable {
    func log(_ jobID: String, level: String, message: String)
    /// The same, waiting while the log has a large backlog (for output that can wait).
    func logBounded(_ jobID: String, level: String, message: String) async
    /// A sheet started or ended: its log entry and the job's progress, stored together.
    func sheetEvent(_ jobID: String, level: String, message: String, progress: SheetProgress)
    /// A result a module saved.
    func result(_ jobID: String, data: JSONValue) async
    /// An `on_success: run_job` hook: submits the score at `path`.
    func submitFollowUp(_ jobID: String, path: String, relativeTo directory: String) async
}
