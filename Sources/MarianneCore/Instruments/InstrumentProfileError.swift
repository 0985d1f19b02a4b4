/// One thing wrong with an instrument profile: the file, the field (`cli.command.executable`),
/// where it is written and what to do.
public struct InstrumentProfileProblem: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The profile's file, or `builtin:NAME`.
    public var file: String
    /// The field's dotted path; empty for the whole file.
    public var field: String
    public var message: String
    public var line: Int?
    public var column: Int?

    public init(file: String, field: String, message: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.field = field
        self.message = message
        self.line = line
        self.column = column
    }

    /// `FILE:LINE:COLUMN: FIELD: MESSAGE`.
    public var description: String {
        var place = file
        if let line {
            place += ":\(line)"
            if let column { place += ":\(column)" }
        }
        return field.isEmpty ? "\(place): \(message)" : "\(place): \(field): \(message)"
    }
}

/// A profile that cannot be used, with every problem found in it.
public struct InstrumentProfileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [InstrumentProfileProblem]

    public init(problems: [InstrumentProfileProblem]) {
        self.problems = problems
    }

    public var description: String {
        "instrument profile is invalid:\n" + problems.map { "  \($0)" }.joined(separator: "\n")
    }
}
