/// `cross_sheet`: what later sheets see of earlier ones, as `previous_outputs` and
/// `previous_files`. Defaults are Marianne's.
public struct CrossSheetConfig: Sendable, Equatable, Codable {
    /// Put earlier sheets' standard output into `previous_outputs`.
    public var autoCaptureStdout: Bool
    /// Characters kept of each output or file; longer ones end with "\n... [truncated]".
    public var maxOutputCharacters: Int
    /// Glob patterns (relative to the workspace; `{{ workspace }}` and `{{ sheet_num }}` are
    /// replaced) of files read into `previous_files`.
    public var captureFiles: [String]
    /// How many sheets before this one count (0 = all).
    public var lookbackSheets: Int

    public init(autoCaptureStdout: Bool = false, maxOutputCharacters: Int = 2000, captureFiles: [String] = [], lookbackSheets: Int = 3) {
        self.autoCaptureStdout = autoCaptureStdout
        self.maxOutputCharacters = maxOutputCharacters
        self.captureFiles = captureFiles
        self.lookbackSheets = lookbackSheets
    }
}
