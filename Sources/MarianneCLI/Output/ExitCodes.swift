import ArgumentParser

/// Exit codes every command uses (documented in Docs/CLI.md).
public enum ExitCodes {
    public static let ok: Int32 = 0
    /// The action failed (job failed, wrong state, unknown job).
    public static let failed: Int32 = 1
    /// Bad command-line usage.
    public static let usage: Int32 = 64
    /// Invalid input (an invalid score, a bad manifest).
    public static let invalidInput: Int32 = 65
    /// A file could not be read.
    public static let cannotRead: Int32 = 66
    /// The conductor is not running.
    public static let conductorNotRunning: Int32 = 69
    /// The conductor is busy or shutting down.
    public static let busy: Int32 = 75
}
