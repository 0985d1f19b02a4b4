/// How a command-line instrument is called (`cli.command`), how its output is read
/// (`cli.output`) and how its failures are recognised (`cli.errors`).
public struct CLIProfile: Sendable, Equatable, Codable {
    public var command: CLICommandSpec
    public var output: CLIOutputSpec
    public var errors: CLIErrorSpec

    public init(command: CLICommandSpec, output: CLIOutputSpec = CLIOutputSpec(), errors: CLIErrorSpec = CLIErrorSpec()) {
        self.command = command
        self.output = output
        self.errors = errors
    }
}

/// The flags a tool takes for each thing the conductor asks of it; a nil flag means the tool
/// has none. A nil `promptFlag` passes the prompt as a positional argument.
public struct CLICommandSpec: Sendable, Equatable, Codable {
    public var executable: String
    public var subcommand: String?
    public var promptFlag: String?
    public var modelFlag: String?
    public var autoApproveFlag: String?
    public var outputFormatFlag: String?
    /// The value after `outputFormatFlag`; nil when the flag stands alone (`--json`).
    public var outputFormatValue: String?
    public var systemPromptFlag: String?
    public var allowedToolsFlag: String?
    public var mcpConfigFlag: String?
    /// Arguments that turn MCP servers off when the score gives no MCP configuration.
    public var mcpDisableArgs: [String]
    public var timeoutFlag: String?
    public var workingDirFlag: String?
    /// Always passed, after everything else the profile adds.
    public var extraFlags: [String]
    /// Variables set for the tool; `${VAR}` takes the conductor's value.
    public var env: [String: String]
    /// The prompt goes to standard input (Marianne's default), not into the arguments.
    public var promptViaStdin: Bool
    /// With the prompt on stdin, this stands for it after `promptFlag` (`-p -`).
    public var stdinSentinel: String?
    public var startNewSession: Bool
    /// The credential variables the tool may see; when set, the tool gets only these and a
    /// safe base (`InstrumentEnvironment.baseVariables`). Nil: the whole environment.
    public var requiredEnv: [String]?

    public init(
        executable: String, subcommand: String? = nil, promptFlag: String? = nil, modelFlag: String? = nil,
        autoApproveFlag: String? = nil, outputFormatFlag: String? = nil, outputFormatValue: String? = nil,
        systemPromptFlag: String? = nil, allowedToolsFlag: String? = nil, mcpConfigFlag: String? = nil,
        mcpDisableArgs: [String] = [], timeoutFlag: String? = nil, workingDirFlag: String? = nil, extraFlags: [String] = [],
        env: [String: String] = [:], promptViaStdin: Bool = true, stdinSentinel: String? = nil, startNewSession: Bool = false,
        requiredEnv: [String]? = nil
    ) {
        self.executable = executable
        self.subcommand = subcommand
        self.promptFlag = promptFlag
        self.modelFlag = modelFlag
        self.autoApproveFlag = autoApproveFlag
        self.outputFormatFlag = outputFormatFlag
        self.outputFormatValue = outputFormatValue
        self.systemPromptFlag = systemPromptFlag
        self.allowedToolsFlag = allowedToolsFlag
        self.mcpConfigFlag = mcpConfigFlag
        self.mcpDisableArgs = mcpDisableArgs
        self.timeoutFlag = timeoutFlag
        self.workingDirFlag = workingDirFlag
        self.extraFlags = extraFlags
        self.env = env
        self.promptViaStdin = promptViaStdin
        self.stdinSentinel = stdinSentinel
        self.startNewSession = startNewSession
        self.requiredEnv = requiredEnv
    }

    enum CodingKeys: String, CodingKey {
        case executable, subcommand, env
        case promptFlag = "prompt_flag"
        case modelFlag = "model_flag"
        case autoApproveFlag = "auto_approve_flag"
        case outputFormatFlag = "output_format_flag"
        case outputFormatValue = "output_format_value"
        case systemPromptFlag = "system_prompt_flag"
        case allowedToolsFlag = "allowed_tools_flag"
        case mcpConfigFlag = "mcp_config_flag"
        case mcpDisableArgs = "mcp_disable_args"
        case timeoutFlag = "timeout_flag"
        case workingDirFlag = "working_dir_flag"
        case extraFlags = "extra_flags"
        case promptViaStdin = "prompt_via_stdin"
        case stdinSentinel = "stdin_sentinel"
        case startNewSession = "start_new_session"
        case requiredEnv = "required_env"
    }
}

/// How the tool's standard output becomes the sheet's result, its error and its tokens.
public struct CLIOutputSpec: Sendable, Equatable, Codable {
    public enum Format: String, Sendable, Equatable, Codable, CaseIterable {
        /// Standard output is the result.
        case text
        /// One JSON document; values are read by dot paths.
        case json
        /// One JSON event per line; the result is in the completion event.
        case jsonl
    }

    public var format: Format
    /// Dot paths (`result`, `error.message`, `stats.models.*.tokens.prompt`), see `JSONPath`.
    public var resultPath: String?
    public var errorPath: String?
    /// JSON lines: the `type` of the event that carries the result, and other fields it must have.
    public var completionEventType: String?
    public var completionEventFilter: [String: String]?
    public var inputTokensPath: String?
    public var outputTokensPath: String?
    /// Sum every match of a wildcard token path (tools that route between models).
    public var aggregateTokens: Bool

    public init(
        format: Format = .text, resultPath: String? = nil, errorPath: String? = nil, completionEventType: String? = nil,
        completionEventFilter: [String: String]? = nil, inputTokensPath: String? = nil, outputTokensPath: String? = nil,
        aggregateTokens: Bool = false
    ) {
        self.format = format
        self.resultPath = resultPath
        self.errorPath = errorPath
        self.completionEventType = completionEventType
        self.completionEventFilter = completionEventFilter
        self.inputTokensPath = inputTokensPath
        self.outputTokensPath = outputTokensPath
        self.aggregateTokens = aggregateTokens
    }

    enum CodingKeys: String, CodingKey {
        case format
        case resultPath = "result_path"
        case errorPath = "error_path"
        case completionEventType = "completion_event_type"
        case completionEventFilter = "completion_event_filter"
        case inputTokensPath = "input_tokens_path"
        case outputTokensPath = "output_tokens_path"
        case aggregateTokens = "aggregate_tokens"
    }
}

/// Exit codes that mean success, and regular expressions (case-insensitive) that recognise
/// each kind of failure in the tool's output. See `InstrumentErrorClassifier`.
public struct CLIErrorSpec: Sendable, Equatable, Codable {
    public var successExitCodes: [Int32]
    public var rateLimitPatterns: [String]
    public var authErrorPatterns: [String]
    public var capacityPatterns: [String]
    public var timeoutPatterns: [String]
    public var crashPatterns: [String]
    public var stalePatterns: [String]
    /// JSON lines: an event of this type (and fields) is a rate limit.
    public var rateLimitEventType: String?
    public var rateLimitEventFilter: [String: String]?

    public init(
        successExitCodes: [Int32] = [0], rateLimitPatterns: [String] = [], authErrorPatterns: [String] = [],
        capacityPatterns: [String] = [], timeoutPatterns: [String] = [], crashPatterns: [String] = [], stalePatterns: [String] = [],
        rateLimitEventType: String? = nil, rateLimitEventFilter: [String: String]? = nil
    ) {
        self.successExitCodes = successExitCodes
        self.rateLimitPatterns = rateLimitPatterns
        self.authErrorPatterns = authErrorPatterns
        self.capacityPatterns = capacityPatterns
        self.timeoutPatterns = timeoutPatterns
        self.crashPatterns = crashPatterns
        self.stalePatterns = stalePatterns
        self.rateLimitEventType = rateLimitEventType
        self.rateLimitEventFilter = rateLimitEventFilter
    }

    enum CodingKeys: String, CodingKey {
        case successExitCodes = "success_exit_codes"
        case rateLimitPatterns = "rate_limit_patterns"
        case authErrorPatterns = "auth_error_patterns"
        case capacityPatterns = "capacity_patterns"
        case timeoutPatterns = "timeout_patterns"
        case crashPatterns = "crash_patterns"
        case stalePatterns = "stale_patterns"
        case rateLimitEventType = "rate_limit_event_type"
        case rateLimitEventFilter = "rate_limit_event_filter"
    }
}
