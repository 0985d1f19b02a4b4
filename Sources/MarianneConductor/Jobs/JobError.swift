import Foundation
import MarianneCore
import MarianneProtocol

/// What can go wrong with a job operation, as Swift callers (embedding programs) see it.
/// The socket and the gateway turn these into wire errors with hints for `mzt` users in one
/// place (`RPCError(job:)`).
public enum JobError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(String)
    case invalidID(String)
    /// Another job with this id has not ended.
    case alreadyActive(String, JobStatus)
    /// A job with this id has ended and the submission asked not to replace it.
    case exists(String, JobStatus)
    /// The operation does not apply to a job in this state.
    case invalidState(String, JobStatus, operation: JobOperation)
    case shuttingDown
    case invalidScore([ScoreProblem])
    case invalidParams(String)
    case workspace(String)
    case checkpoint(String)
    case unknownModule(String, known: [String])
    case invalidModule(String, problems: [String])
    case storage(String)

    public var description: String {
        switch self {
        case .notFound(let id): return "no job \"\(id)\""
        case .invalidID(let id): return "invalid job id \"\(id)\": use 1-64 letters, digits, '.', '_' or '-', not starting with '.'"
        case .alreadyActive(let id, let status): return "job \(id) is already \(status.rawValue)"
        case .exists(let id, let status): return "job \(id) exists (\(status.rawValue))"
        case .invalidState(let id, let status, let operation): return "job \(id) is \(status.rawValue); \(operation.requirement)"
        case .shuttingDown: return "the conductor is shutting down"
        case .invalidScore(let problems):
            let errors = problems.filter { $0.severity == .error }
            return "the score is invalid (\(errors.count) problem\(errors.count == 1 ? "" : "s"))"
        case .invalidParams(let message): return message
        case .workspace(let message): return message
        case .checkpoint(let message): return message
        case .unknownModule(let id, _): return "no module \"\(id)\""
        case .invalidModule(let message, _): return message
        case .storage(let message): return message
        }
    }
}

/// The job operations that depend on a job's state.
public enum JobOperation: String, Sendable, Equatable {
    case pause, resume, cancel, delete

    var requirement: String {
        switch self {
        case .pause: return "only a running or pending job can be paused"
        case .resume: return "only a paused, failed, cancelled or stopped job can be resumed"
        case .cancel: return "only a pending, running or paused job can be cancelled"
        case .delete: return "cancel it before deleting it"
        }
    }
}
