/// Something run once the job completes.
public enum Hook: Sendable, Equatable {
    /// A shell command run in the workspace.
    case runCommand(String)
    /// Another score submitted to the conductor (path relative to the score file).
    case runJob(String)
}
