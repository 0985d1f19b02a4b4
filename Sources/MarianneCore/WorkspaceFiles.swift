import Foundation

/// The files a job keeps in its workspace.
public enum WorkspaceFiles {
    /// Present = pause at the next sheet boundary.
    public static func pauseSignal(workspace: String, jobID: String) -> String {
        (workspace as NSString).appendingPathComponent(".marianne-pause-\(jobID)")
    }

    /// Present = cancel now.
    public static func cancelSignal(workspace: String, jobID: String) -> String {
        (workspace as NSString).appendingPathComponent(".marianne-cancel-\(jobID)")
    }

    /// `<workspace>/.marianne/logs/<id>`: the full output of every attempt.
    public static func logDirectory(workspace: String, jobID: String) -> String {
        (workspace as NSString).appendingPathComponent(".marianne/logs/\(jobID)")
    }

    /// `.../sheet-<n>.<attempt>.out` (stream `out`) or `.err`.
    public static func attemptOutput(workspace: String, jobID: String, sheet: Int, attempt: Int, stream: String) -> String {
        (logDirectory(workspace: workspace, jobID: jobID) as NSString).appendingPathComponent("sheet-\(sheet).\(attempt).\(stream)")
    }
}
