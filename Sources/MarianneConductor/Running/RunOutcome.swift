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
