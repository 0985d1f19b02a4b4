/// Everything the conductor needs to play an instrument: who it is, what it costs, how to
/// call it and how to read what it prints. Marianne's profile format (YAML); the builtins are
/// compiled in (`BuiltinInstruments`), user profiles come from `$MZT_HOME/instruments/` and
/// the score folder's `.marianne/instruments/` (`InstrumentCatalog`).
public struct InstrumentProfile: Sendable, Equatable, Codable {
    /// The name scores use (`instrument: gemini-cli`).
    public var name: String
    public var displayName: String
    public var description: String?
    /// `cli` (a program) or `http` (described, not run by this conductor).
    public var kind: String
    /// Tags such as `tool_use`, `file_editing`, `mcp`.
    public var capabilities: [String]
    public var models: [ModelCapacity]
    /// The model used when the score names none; nil lets the tool choose.
    public var defaultModel: String?
    /// Seconds an attempt may run when neither the score nor the sheet says.
    public var defaultTimeoutSeconds: Double
    /// The rendered template is sent alone: no preamble, injections, requirements or
    /// completion text (the `cli` instrument, whose prompt is a shell command).
    public var rawPrompt: Bool
    public var cli: CLIProfile?
    /// Where the profile came from: `builtin`, or the file it was read from.
    public var source: String

    public init(
        name: String, displayName: String, description: String? = nil, kind: String = "cli", capabilities: [String] = [],
        models: [ModelCapacity] = [], defaultModel: String? = nil, defaultTimeoutSeconds: Double = 1800, rawPrompt: Bool = false,
        cli: CLIProfile? = nil, source: String = "builtin"
    ) {
        self.name = name
        self.displayName = displayName
        self.description = description
        self.kind = kind
        self.capabilities = capabilities
        self.models = models
        self.defaultModel = defaultModel
        self.defaultTimeoutSeconds = defaultTimeoutSeconds
        self.rawPrompt = rawPrompt
        self.cli = cli
        self.source = source
    }

    /// The model entry of `name`, when the profile lists it.
    public func model(_ name: String?) -> ModelCapacity? {
        guard let name else { return nil }
        return models.first { $0.name == name }
    }

    /// The credential variables the tool reads (`cli.command.required_env`).
    public var credentialVariables: [String] { cli?.command.requiredEnv ?? [] }

    /// Marianne's default when a profile gives no timeout: 30 minutes.
    public static let defaultTimeout: Double = 1800

    enum CodingKeys: String, CodingKey {
        case name, description, kind, capabilities, models, cli, source
        case displayName = "display_name"
        case defaultModel = "default_model"
        case defaultTimeoutSeconds = "default_timeout_seconds"
        case rawPrompt = "raw_prompt"
    }
}

/// What one model of an instrument can take and what it costs.
public struct ModelCapacity: Sendable, Equatable, Codable {
    public var name: String
    /// Tokens of context.
    public var contextWindow: Int
    /// US dollars per 1000 input and output tokens (0 for free or local models).
    public var costPer1kInput: Double
    public var costPer1kOutput: Double
    public var maxOutputTokens: Int?
    /// Sheets that may run on this model at once, across every job of the conductor.
    public var maxConcurrent: Int

    public init(
        name: String, contextWindow: Int, costPer1kInput: Double, costPer1kOutput: Double, maxOutputTokens: Int? = nil,
        maxConcurrent: Int = ModelCapacity.defaultMaxConcurrent
    ) {
        self.name = name
        self.contextWindow = contextWindow
        self.costPer1kInput = costPer1kInput
        self.costPer1kOutput = costPer1kOutput
        self.maxOutputTokens = maxOutputTokens
        self.maxConcurrent = maxConcurrent
    }

    /// Marianne's default `max_concurrent` of a model.
    public static let defaultMaxConcurrent = 4

    /// The cost of an attempt's tokens in US dollars.
    public func cost(inputTokens: Int, outputTokens: Int) -> Double {
        Double(inputTokens) * costPer1kInput / 1000 + Double(outputTokens) * costPer1kOutput / 1000
    }

    enum CodingKeys: String, CodingKey {
        case name
        case contextWindow = "context_window"
        case costPer1kInput = "cost_per_1k_input"
        case costPer1kOutput = "cost_per_1k_output"
        case maxOutputTokens = "max_output_tokens"
        case maxConcurrent = "max_concurrent"
    }
}
