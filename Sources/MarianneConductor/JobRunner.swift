import Foundation
import MarianneProtocol
import MarianneCore

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
}

/// Something the scheduler runs for a job: the score runner or a module runner.
protocol JobRunner: Sendable {
    func run() async -> RunOutcome
    /// Stops the job's processes now (TERM, then KILL after the grace period).
    func requestStop(_ request: StopRequest) async
    /// Pause at the next boundary (a score: the next sheet; a module: now, to be started
    /// again from its checkpoint).
    func requestPause() async
    /// Stops (`SIGSTOP`) or continues (`SIGCONT`) the running process groups.
    func freeze(_ frozen: Bool) async
    /// Process id of a process in flight (for `job.health`).
    func currentPID() async -> Int32?
    /// The job's state as the runner holds it now (fresher than the checkpoint file).
    func snapshot() async -> JobCheckpoint
}

/// Where a score job stands, as the registry row shows it.
struct SheetProgress: Sendable {
    var currentSheet: Int?
    var completedSheets: Int
    var processGroups: [Int32]
}

/// Reports a runner's progress to whoever keeps the registry and the job log.
protocol JobEventSink: Sendable {
    func log(jobID: String, level: String, message: String) async
    /// A log entry, the job's progress and its running process groups, stored together.
    func sheetEvent(jobID: String, level: String, message: String, progress: SheetProgress) async
    /// An `on_success: run_job` hook: submits the score at `path`.
    func submitFollowUp(jobID: String, path: String, relativeTo directory: String) async
    /// The process groups of the attempts now in flight.
    func processGroups(jobID: String, groups: [Int32]) async
    /// A result a module saved.
    func result(jobID: String, data: JSONValue) async
}
