import Foundation

/// What a sheet's template sees of earlier sheets: `previous_outputs`, `previous_files`,
/// `skipped_upstream`.
public struct CrossSheetContext: Sendable, Equatable, Codable {
    /// Sheet number -> its standard output (or "[SKIPPED]").
    public var previousOutputs: [Int: String]
    /// File path -> content.
    public var previousFiles: [String: String]
    /// Sheets in `previousOutputs` that were skipped.
    public var skippedUpstream: [Int]

    public init(previousOutputs: [Int: String] = [:], previousFiles: [String: String] = [:], skippedUpstream: [Int] = []) {
        self.previousOutputs = previousOutputs
        self.previousFiles = previousFiles
        self.skippedUpstream = skippedUpstream
    }

    /// As at a sheet's first attempt before any sheet ran (the plan).
    public static let empty = CrossSheetContext()

    /// An earlier sheet as the collector needs it.
    public struct EarlierSheet: Sendable, Equatable {
        public var status: SheetStatus
        /// Standard output of its last successful attempt.
        public var stdout: String?

        public init(status: SheetStatus, stdout: String?) {
            self.status = status
            self.stdout = stdout
        }
    }

    /// Marianne's collection for `sheet`: with `auto_capture_stdout`, the output of each
    /// completed sheet among the `lookback_sheets` before it (all with 0), "[SKIPPED]" for a
    /// skipped one; with `capture_files`, every file matching a pattern (relative to the
    /// workspace, `{{ workspace }}` and `{{ sheet_num }}` replaced), credentials redacted. Each
    /// text longer than `max_output_chars` is cut and ends with "\n... [truncated]".
    public static func collect(
        _ config: CrossSheetConfig?, sheet: Int, earlier: [Int: EarlierSheet], workspace: String
    ) -> CrossSheetContext {
        guard let config else { return .empty }
        var context = CrossSheetContext()
        if config.autoCaptureStdout, sheet > 1 {
            for number in lookback(config, sheet: sheet) {
                guard let state = earlier[number] else { continue }
                if state.status == .skipped {
                    context.previousOutputs[number] = "[SKIPPED]"
                    context.skippedUpstream.append(number)
                    continue
                }
                guard state.status == .completed, let stdout = state.stdout, !stdout.isEmpty else { continue }
                context.previousOutputs[number] = truncate(stdout, config.maxOutputCharacters)
            }
        }
        for pattern in config.captureFiles {
            for path in files(matching: expandPattern(pattern, workspace: workspace, sheet: sheet), workspace: workspace) {
                if context.previousFiles.count >= ScoreLimits.maxInjectedFiles { break }
                guard let text = readText(path, limit: ScoreLimits.maxInjectedFileBytes) else { continue }
                context.previousFiles[path] = truncate(CredentialRedactor.redact(text), config.maxOutputCharacters)
            }
        }
        return context
    }

    /// The earlier sheets whose output `auto_capture_stdout` collects for `sheet`: the
    /// `lookback_sheets` before it, or all of them with 0.
    public static func lookback(_ config: CrossSheetConfig, sheet: Int) -> Range<Int> {
        let first = config.lookbackSheets > 0 ? max(1, sheet - config.lookbackSheets) : 1
        return first..<max(first, sheet)
    }

    /// The same from checkpoint states (their `stdout_tail`).
    public static func collect(_ config: CrossSheetConfig?, sheet: Int, states: [SheetState], workspace: String) -> CrossSheetContext {
        let earlier = Dictionary(states.map { ($0.number, EarlierSheet(status: $0.status, stdout: $0.stdoutTail)) }, uniquingKeysWith: { $1 })
        return collect(config, sheet: sheet, earlier: earlier, workspace: workspace)
    }

    /// Python `text[:limit] + "\n... [truncated]"` when longer (characters are code points).
    static func truncate(_ text: String, _ limit: Int) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > limit else { return text }
        return String(String.UnicodeScalarView(scalars.prefix(limit))) + "\n... [truncated]"
    }

    static func expandPattern(_ pattern: String, workspace: String, sheet: Int) -> String {
        var text = pattern
        for (name, value) in [("workspace", workspace), ("sheet_num", String(sheet))] {
            text = text.replacingOccurrences(of: "{{ \(name) }}", with: value).replacingOccurrences(of: "{{\(name)}}", with: value)
        }
        return text.hasPrefix("/") ? text : (workspace as NSString).appendingPathComponent(text)
    }

    /// Regular files matching a glob pattern (as Python's `glob.glob`: `*` does not match a
    /// leading dot), in name order.
    static func files(matching pattern: String, workspace: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        var paths: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            guard let pointer = result.gl_pathv[index] else { continue }
            let path = String(cString: pointer)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue { paths.append(path) }
            if paths.count >= ScoreLimits.maxInjectedFiles { break }
        }
        return paths.sorted()
    }

    /// A file's text (UTF-8), reading at most `limit` bytes; nil when it cannot be read or is not UTF-8.
    static func readText(_ path: String, limit: Int) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: limit) else { return "" }
        return String(data: data, encoding: .utf8)
    }
}
