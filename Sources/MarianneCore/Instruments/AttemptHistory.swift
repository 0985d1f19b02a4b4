/// What an earlier attempt of a sheet left for the next one's prompt: why it failed and
/// which validations passed.
public struct PastAttempt: Sendable, Equatable, Codable {
    public var attempt: Int
    /// Why it failed (nil: it ran, and only validations failed).
    public var failure: String?
    public var kind: InstrumentFailureKind?
    public var validations: [ValidationOutcome]

    public init(attempt: Int, failure: String?, kind: InstrumentFailureKind? = nil, validations: [ValidationOutcome]) {
        self.attempt = attempt
        self.failure = failure
        self.kind = kind
        self.validations = validations
    }
}

/// The failure history of a retry: a section telling the agent what went wrong before
/// (Marianne's "lessons" list: number, sheet, category, what, why).
public enum FailureHistory {
    /// At most this many earlier attempts are listed, the latest first.
    public static let maxEntries = 5

    /// The section for `sheet`'s earlier attempts; nil when there is nothing to say.
    public static func section(sheet: Int, attempts: [PastAttempt]) -> String? {
        var entries: [String] = []
        for past in attempts.reversed() {
            let failed = past.validations.filter { !$0.passed }
            let category = "[\((past.kind ?? .failed).label)]"
            if failed.isEmpty {
                guard let failure = past.failure else { continue }
                entries.append("\(entries.count + 1). **Sheet \(sheet), attempt \(past.attempt)** \(category)\n   - Issue: \(failure)")
            } else {
                for outcome in failed {
                    var entry = "\(entries.count + 1). **Sheet \(sheet), attempt \(past.attempt)** [VALIDATION FAILED]\n   - \(outcome.description)"
                    if let message = outcome.message { entry += "\n   - Issue: \(message)" }
                    entries.append(entry)
                    if entries.count >= maxEntries { break }
                }
            }
            if entries.count >= maxEntries { break }
        }
        guard !entries.isEmpty else { return nil }
        return (["## Lessons From Previous Attempts", "", "Earlier attempts of this sheet failed like this. Do not repeat these mistakes:", ""]
            + entries.flatMap { [$0, ""] }
            + ["**Learn from these failures**: make sure none of them happens again."]).joined(separator: "\n")
    }
}

extension InstrumentFailureKind {
    /// The tag shown in prompts and the status.
    public var label: String {
        switch self {
        case .rateLimit: return "RATE LIMITED"
        case .auth: return "AUTHENTICATION"
        case .capacity: return "OVERLOADED"
        case .timeout: return "TIMED OUT"
        case .crash: return "CRASHED"
        case .stale: return "STALE"
        case .failed: return "FAILED"
        }
    }
}

/// The completion prompt: after an attempt that ran and passed some validations but not all,
/// the next attempt is told what is done and what is missing, so it finishes the work instead
/// of starting over (Marianne's completion mode).
public enum CompletionPrompt {
    /// - Parameters:
    ///   - attempt: the number of this completion attempt (1-based), of `maxAttempts`.
    public static func section(sheet: Int, attempt: Int, maxAttempts: Int, previous: [ValidationOutcome]) -> String {
        let passed = previous.filter(\.passed)
        let failed = previous.filter { !$0.passed }
        var lines = [
            "## COMPLETION MODE - Sheet \(sheet)", "",
            "This is completion attempt \(attempt) of \(maxAttempts).", "",
            "An earlier attempt of this sheet did part of the work. Finish ONLY what is still missing.", "",
            "### ALREADY COMPLETED (DO NOT REDO)",
            "These checks passed; their outputs exist and are valid. Leave them as they are unless you must change them:",
        ]
        lines += passed.isEmpty ? ["  (none)"] : passed.map { "  - [\(passedTag($0.type))] \($0.description)" }
        lines += ["", "### INCOMPLETE ITEMS (FOCUS HERE)", "These checks failed and are what is left to do:"]
        if failed.isEmpty { lines.append("  (none)") }
        for (offset, outcome) in failed.enumerated() {
            lines.append("  \(offset + 1). [\(failedTag(outcome.type))] \(outcome.description)")
            if let message = outcome.message { lines.append("     Why: \(message)") }
            lines.append("     Action: \(action(outcome.type))")
        }
        lines += [
            "", "### INSTRUCTIONS",
            "1. Look at what already exists to see where the work stands",
            "2. Do ONLY the missing items listed above",
            "3. Do not redo work that is already done",
            "4. Check every validation requirement is met before you finish",
            "", "---", "Focus on the missing items. Do not start over from scratch.",
        ]
        return lines.joined(separator: "\n")
    }

    static func passedTag(_ type: String) -> String {
        switch type {
        case "file_exists": return "CREATED"
        case "file_modified": return "UPDATED"
        case "command_succeeds": return "PASSED"
        default: return "VERIFIED"
        }
    }

    static func failedTag(_ type: String) -> String {
        switch type {
        case "file_exists": return "MISSING"
        case "file_modified": return "NOT UPDATED"
        case "content_contains": return "CONTENT MISSING"
        case "content_regex": return "PATTERN NOT MATCHED"
        case "command_succeeds": return "COMMAND FAILED"
        default: return "FAILED"
        }
    }

    static func action(_ type: String) -> String {
        switch type {
        case "file_exists": return "create this file with the required content"
        case "file_modified": return "write new content to this file"
        case "content_contains": return "add the required text to the file"
        case "content_regex": return "make the file's content match the pattern"
        case "command_succeeds": return "fix what makes the command fail"
        default: return "make this check pass"
        }
    }
}
