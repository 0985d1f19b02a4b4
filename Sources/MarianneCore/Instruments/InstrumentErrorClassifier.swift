import Foundation
import Synchronization

/// What kind of failure an attempt's output shows, by the profile's patterns
/// (`cli.errors`, case-insensitive). Each kind is handled its own way by the conductor.
public enum InstrumentFailureKind: String, Sendable, Equatable, Codable, CaseIterable {
    /// Waits for the limit to pass without spending a retry; shared by every job on the instrument.
    case rateLimit = "rate_limit"
    /// Fails at once (or goes to the fallback): retrying cannot log in.
    case auth
    /// Overloaded: retried after a backoff without spending a retry.
    case capacity
    case timeout
    case crash
    case stale
    /// Any other failure: retried as the score's `retry` says.
    case failed
}

/// Classifies an attempt from its exit code and output. Rate limits are recognised on
/// stdout or stderr, and even on exit 0 when the tool printed no valid result (Claude Code
/// prints its limit message as plain text, sometimes with exit 0); an attempt that exits 0
/// with a valid result is never a failure, whatever its stderr says (a tool that retried a
/// 429 on its own and then answered).
public struct InstrumentErrorClassifier: Sendable {
    public let errors: CLIErrorSpec
    private let rateLimit: [RegexPattern]
    private let auth: [RegexPattern]
    private let capacity: [RegexPattern]
    private let timeout: [RegexPattern]
    private let crash: [RegexPattern]
    private let stale: [RegexPattern]

    /// `extraRateLimitPatterns`: the score's own (`rate_limit.detection_patterns`).
    public init(_ errors: CLIErrorSpec, extraRateLimitPatterns: [String] = []) {
        self.errors = errors
        rateLimit = (errors.rateLimitPatterns + extraRateLimitPatterns).compactMap(RegexPattern.init)
        auth = errors.authErrorPatterns.compactMap(RegexPattern.init)
        capacity = errors.capacityPatterns.compactMap(RegexPattern.init)
        timeout = errors.timeoutPatterns.compactMap(RegexPattern.init)
        crash = errors.crashPatterns.compactMap(RegexPattern.init)
        stale = errors.stalePatterns.compactMap(RegexPattern.init)
    }

    public func isSuccess(exitCode: Int32?) -> Bool {
        guard let exitCode else { return false }
        return errors.successExitCodes.contains(exitCode)
    }

    /// The failure, with the line that showed it; nil when the attempt succeeded.
    /// `exitCode` is nil when the process was killed by a signal.
    public func classify(exitCode: Int32?, stdout: String, stderr: String, output: InstrumentOutput) -> (kind: InstrumentFailureKind, evidence: String?)? {
        let succeeded = isSuccess(exitCode: exitCode)
        if succeeded, output.structured { return nil }
        if let type = errors.rateLimitEventType,
           let event = output.events.first(where: { InstrumentOutput.matches($0, type: type, filter: errors.rateLimitEventFilter) }) {
            return (.rateLimit, JSONPath.text(event))
        }
        // On exit 0 only what is not the answer is read: stderr, plain text instead of JSON, the error field.
        var texts = [stderr, output.unstructuredText, output.errorMessage ?? ""]
        if !succeeded { texts += [stdout, output.result] }
        let text = texts.filter { !$0.isEmpty }.joined(separator: "\n")
        let groups: [(InstrumentFailureKind, [RegexPattern])] = [
            (.rateLimit, rateLimit), (.auth, auth), (.crash, crash), (.stale, stale), (.timeout, timeout), (.capacity, capacity),
        ]
        for (kind, patterns) in groups {
            for pattern in patterns {
                if let line = pattern.firstMatchingLine(text) { return (kind, line) }
            }
        }
        if succeeded {
            // Exit 0 without the expected answer and no known message: the answer is the output.
            return nil
        }
        return (exitCode == nil ? .crash : .failed, nil)
    }
}

/// A compiled, case-insensitive regular expression (Python's spelling accepted).
public struct RegexPattern: @unchecked Sendable {
    public let pattern: String
    let regex: NSRegularExpression

    public init?(_ pattern: String) {
        guard let regex = Self.compiled(pattern) else { return nil }
        self.pattern = pattern
        self.regex = regex
    }

    /// Patterns compiled so far (a compiled expression is immutable and safe to share across
    /// threads): every attempt builds its classifier from the same few profile patterns, and
    /// compiling them each time was a tenth of a short sheet's work. A pattern that does not
    /// compile is remembered too. Bounded: emptied when full.
    private static let cache = Mutex<[String: NSRegularExpression?]>([:])
    static let cacheLimit = 1024

    static func compiled(_ pattern: String) -> NSRegularExpression? {
        if let known = cache.withLock({ $0[pattern] }) { return known }
        let regex = try? NSRegularExpression(pattern: PythonRegex.translate(pattern), options: [.caseInsensitive])
        cache.withLock {
            if $0.count >= cacheLimit { $0.removeAll() }
            $0[pattern] = .some(regex)
        }
        return regex
    }

    /// How many patterns the cache holds (for tests).
    static var cachedCount: Int { cache.withLock { $0.count } }

    public func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// The line of `text` where the pattern first matches (at most 300 characters), or nil.
    public func firstMatchingLine(_ text: String) -> String? {
        let range = NSRange(text.startIndex..., in: text)
        guard let match = regex.firstMatch(in: text, range: range), let found = Range(match.range, in: text) else { return nil }
        let start = text[..<found.lowerBound].lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
        let end = text[found.upperBound...].firstIndex(of: "\n") ?? text.endIndex
        let line = text[start..<end].trimmingCharacters(in: .whitespaces)
        return line.count > 300 ? String(line.prefix(300)) + "..." : line
    }
}
