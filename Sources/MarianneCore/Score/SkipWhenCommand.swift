/// `sheet.skip_when_command.N`: a shell command run before the sheet; exit 0 skips the
/// sheet, anything else (a failure, a timeout, an error starting it) runs it.
public struct SkipWhenCommand: Sendable, Equatable, Codable {
    /// The command, with `{workspace}`-style placeholders.
    public var command: String
    public var description: String?
    /// More than 0, at most 60 (Marianne's limits); default 10.
    public var timeoutSeconds: Double

    public init(command: String, description: String? = nil, timeoutSeconds: Double = 10) {
        self.command = command
        self.description = description
        self.timeoutSeconds = timeoutSeconds
    }
}
