import Foundation

/// One problem found in a score, with a stable code and its place in the YAML.
public struct ScoreProblem: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Codable { case error, warning }

    public var code: String
    public var message: String
    public var line: Int?
    public var column: Int?
    public var hint: String?
    public var severity: Severity

    public init(code: String, message: String, line: Int? = nil, column: Int? = nil, hint: String? = nil, severity: Severity = .error) {
        self.code = code
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint
        self.severity = severity
    }

    public var description: String {
        var text = "\(code)"
        if let line { text += " line \(line)" + (column.map { ", column \($0)" } ?? "") }
        text += ": \(message)"
        if let hint { text += " (\(hint))" }
        return text
    }
}

/// Thrown by `ScoreLoader` when a score has errors; carries every problem found.
public struct ScoreValidationError: Error, Sendable, CustomStringConvertible {
    public var problems: [ScoreProblem]

    public init(problems: [ScoreProblem]) {
        self.problems = problems
    }

    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
