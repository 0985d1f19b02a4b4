import Foundation

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
