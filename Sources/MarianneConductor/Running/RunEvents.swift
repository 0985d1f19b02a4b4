import Foundation
import MarianneCore
import MarianneProtocol

/// What a runner reports while it runs: log entries (with progress), results, follow-ups.
protocol RunEvents: Sendable {
    func log(_ jobID: String, level: String, message: String)
    /// The same, waiting while the log has a large backlog (for output that can wait).
    func logBounded(_ jobID: String, level: String, message: String) async
    /// A sheet started or ended: its log entry and the job's progress, stored together.
    func sheetEvent(_ jobID: String, level: String, message: String, progress: SheetProgress)
    /// A result a module saved.
    func result(_ jobID: String, data: JSONValue) async
    /// An `on_success` run_job hook: the score to submit once this job has completed (so a
    /// score may chain itself under its own id).
    func chain(_ jobID: String, _ followUp: FollowUp)
}

/// A job an `on_success` run_job hook chains to a completed one.
struct FollowUp: Sendable, Equatable {
    /// The score file (absolute).
    var path: String
    /// The chained job's workspace; nil: the score's own.
    var workspace: String?
    /// How deep in the chain the new job is.
    var depth: Int
}
