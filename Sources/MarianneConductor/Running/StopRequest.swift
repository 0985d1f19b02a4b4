import Foundation

/// Why a running job is being stopped.
enum StopRequest: Sendable, Equatable {
    case cancel
    case durationLimit
    case shutdown
    /// The checkpoint could not be written: the job fails with this reason.
    case checkpointFailed(String)
    /// The job spent more than `cost_limits.max_cost_per_job`: it ends `stopped` with the reason.
    case costLimit(String)
    /// The job could not be set up to run (its worktree): it fails with this reason.
    case setupFailed(String)

    var outcome: RunOutcome {
        switch self {
        case .cancel: return .cancelled
        case .durationLimit: return .stopped("Duration limit reached")
        case .shutdown: return .interrupted
        case .checkpointFailed(let reason): return .failed(reason)
        case .costLimit(let reason): return .stopped(reason)
        case .setupFailed(let reason): return .failed(reason)
        }
    }
}
