/// One sheet of a plan: what it is, what it plays, what it would send, what checks it.
public struct SheetPreview: Sendable, Equatable, Codable {
    public var number: Int
    public var stage: Int
    public var instance: Int
    public var fanCount: Int
    /// The movement (stage) number and its name from `movements:`.
    public var movement: Int
    public var movementName: String?
    /// From `sheet.descriptions`.
    public var description: String?
    public var startItem: Int
    public var endItem: Int
    public var dependencies: [Int]
    /// The resolved instrument (profile) name, and the score's alias for it if any.
    public var instrument: String
    public var instrumentAlias: String?
    /// The whole prompt (the command for a shell instrument), as at the first attempt;
    /// nil when the template cannot be rendered (`promptError`).
    public var prompt: String?
    public var promptError: String?
    /// The prompt is the rendered template alone (shell instruments).
    public var raw: Bool
    /// Prelude/cadenza items that were skipped (files that do not exist yet, ...).
    public var injectionNotes: [String]
    public var skipWhen: String?
    public var skipWhenCommand: SkipRules.Command?
    public var validations: [ValidationPreview]
    /// The instruments tried after this one, in order.
    public var fallbacks: [String] = []
    /// The model the sheet asks for (nil: the tool's default).
    public var model: String?
    public var timeoutSeconds: Double?
    /// The program and arguments of the first attempt (`<prompt>` where the prompt goes);
    /// nil when the instrument is unknown or the template does not render.
    public var command: [String]?
    /// The prompt goes through standard input.
    public var promptOnStdin: Bool?

    enum CodingKeys: String, CodingKey {
        case number, stage, instance, movement, description, dependencies, instrument, prompt, raw, validations
        case fanCount = "fan_count"
        case movementName = "movement_name"
        case startItem = "start_item"
        case endItem = "end_item"
        case instrumentAlias = "instrument_alias"
        case promptError = "prompt_error"
        case injectionNotes = "injection_notes"
        case skipWhen = "skip_when"
        case skipWhenCommand = "skip_when_command"
        case fallbacks, model, command
        case timeoutSeconds = "timeout_seconds"
        case promptOnStdin = "prompt_on_stdin"
    }
}

/// One validation rule as a sheet would check it.
public struct ValidationPreview: Sendable, Equatable, Codable {
    /// Position in `validations:` (0-based, as Marianne numbers them).
    public var index: Int
    public var type: String
    public var description: String?
    public var stage: Int
    public var condition: String?
    /// Whether the rule applies to this sheet (its condition holds).
    public var applies: Bool
    /// The expanded, resolved path; `pathError` when the path cannot be expanded.
    public var path: String?
    public var pathError: String?
    public var pattern: String?
    /// The command as it would run, with the variables it needs.
    public var command: ShellCommand?
    public var workingDirectory: String?
    public var timeoutSeconds: Double

    enum CodingKeys: String, CodingKey {
        case index, type, description, stage, condition, applies, path, pattern, command
        case pathError = "path_error"
        case workingDirectory = "working_directory"
        case timeoutSeconds = "timeout_seconds"
    }
}

extension SkipRules.Command {
    enum CodingKeys: String, CodingKey {
        case command, description
        case timeoutSeconds = "timeout_seconds"
        case workingDirectory = "working_directory"
    }
}
