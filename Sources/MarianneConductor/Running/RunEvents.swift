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
    /// An `on_success: run_job` hook: submits the score at `path`.
    func submitFollowUp(_ jobID: String, path: String, relativeTo directory: String) async
}
