import Foundation

/// A score as written in YAML, after validation. Produced by `ScoreLoader`.
public struct Score: Sendable, Equatable {
    public var name: String
    public var description: String?
    /// The workspace as written (relative paths resolve against the score file's directory).
    public var workspace: String
    public var backend: BackendConfig
    public var sheet: SheetConfig
    public var prompt: PromptConfig
    public var validations: [ValidationRule]
    public var retry: RetryPolicy
    public var parallel: ParallelConfig
    public var maxDurationSeconds: Double?
    public var pauseBetweenSheetsSeconds: Double
    /// The hooks the conductor runs today (`{run_command: ...}`, `{run_job: ...}`).
    public var onSuccess: [Hook]
    /// Every `on_success` hook in Marianne's model, both forms, with all their options.
    public var postSuccessHooks: [PostSuccessHook]
    public var concert: ConcertConfig
    /// The score-level instrument as written (a profile name or a key of `instruments`).
    public var instrument: String?
    /// Score-level instrument settings (`instrument_config`).
    public var instrumentConfig: [String: JSONValue]
    public var instrumentFallbacks: [String]
    /// Named instruments of this score (`instruments:`).
    public var instruments: [String: InstrumentDefinition]
    /// Movement (stage) number -> its declaration.
    public var movements: [Int: Movement]
    /// Outputs and files of earlier sheets for later prompts; nil when not configured.
    public var crossSheet: CrossSheetConfig?
    /// Where the sheets run (`executor:`); nil inherits the conductor's default.
    public var executor: ExecutorConfig? = nil
    /// Rate limits, cost limits, stale detection, the circuit breaker, isolation, completion mode.
    public var limits: ExecutionLimits = ExecutionLimits()

    public init(
        name: String, description: String? = nil, workspace: String = "./workspace", backend: BackendConfig = BackendConfig(),
        sheet: SheetConfig = SheetConfig(), prompt: PromptConfig = PromptConfig(), validations: [ValidationRule] = [],
        retry: RetryPolicy = RetryPolicy(), parallel: ParallelConfig = ParallelConfig(), maxDurationSeconds: Double? = nil,
        pauseBetweenSheetsSeconds: Double = 0, onSuccess: [Hook] = [], postSuccessHooks: [PostSuccessHook] = [],
        concert: ConcertConfig = ConcertConfig(), instrument: String? = nil, instrumentConfig: [String: JSONValue] = [:],
        instrumentFallbacks: [String] = [], instruments: [String: InstrumentDefinition] = [:], movements: [Int: Movement] = [:],
        crossSheet: CrossSheetConfig? = nil
    ) {
        self.name = name
        self.description = description
        self.workspace = workspace
        self.backend = backend
        self.sheet = sheet
        self.prompt = prompt
        self.validations = validations
        self.retry = retry
        self.parallel = parallel
        self.maxDurationSeconds = maxDurationSeconds
        self.pauseBetweenSheetsSeconds = pauseBetweenSheetsSeconds
        self.onSuccess = onSuccess
        self.postSuccessHooks = postSuccessHooks
        self.concert = concert
        self.instrument = instrument
        self.instrumentConfig = instrumentConfig
        self.instrumentFallbacks = instrumentFallbacks
        self.instruments = instruments
        self.movements = movements
        self.crossSheet = crossSheet
    }
}

public enum BackendType: String, Sendable, Equatable, CaseIterable {
    case command
    case claudeCLI = "claude_cli"
}

public struct BackendConfig: Sendable, Equatable {
    public var type: BackendType
    /// Per-attempt timeout in seconds (Marianne's default: 1800); nil = none.
    public var timeoutSeconds: Double?
    /// Sheet number -> timeout (`timeout_overrides`, then `sheet_overrides.N.timeout_seconds`).
    public var timeoutOverrides: [Int: Double]
    public var env: [String: String]
    /// Relative to the workspace; nil = the workspace.
    public var workingDirectory: String?
    /// Extra arguments for the agent CLI (claude_cli).
    public var cliArgs: [String]
    /// The agent executable (claude_cli); default `claude`, looked up on PATH.
    public var executable: String?
    /// Regular expressions; output matching one makes a claude_cli attempt wait and retry
    /// without spending a retry.
    public var rateLimitPatterns: [String]
    /// Seconds to wait after a rate-limit message.
    public var rateLimitWaitSeconds: Double
    /// Log each output line of a sheet into the job log.
    public var streamOutput: Bool
    /// The score wrote `backend.type`: its instrument is `cli` or `claude-code` by the type,
    /// not Marianne's default.
    public var typeDeclared: Bool = false
    /// The score wrote `backend.timeout` or `timeout_seconds` (else the profile's default applies
    /// to scores that name an instrument).
    public var timeoutDeclared: Bool = false
    /// The score wrote `backend.rate_limit_patterns` or `rate_limit_wait`.
    public var rateLimitDeclared: Bool = false
    /// Marianne's `claude_cli` settings (`skip_permissions`, `disable_mcp`, `output_format`,
    /// `cli_model`, `allowed_tools`, `system_prompt_file`, `cli_extra_args`), as instrument settings
    /// below `instrument_config`.
    public var instrumentSettings: [String: JSONValue] = [:]

    public init(
        type: BackendType = .command, timeoutSeconds: Double? = BackendConfig.defaultTimeoutSeconds, timeoutOverrides: [Int: Double] = [:], env: [String: String] = [:],
        workingDirectory: String? = nil, cliArgs: [String] = [], executable: String? = nil,
        rateLimitPatterns: [String] = BackendConfig.defaultRateLimitPatterns, rateLimitWaitSeconds: Double = 60,
        streamOutput: Bool = false
    ) {
        self.type = type
        self.timeoutSeconds = timeoutSeconds
        self.timeoutOverrides = timeoutOverrides
        self.env = env
        self.workingDirectory = workingDirectory
        self.cliArgs = cliArgs
        self.executable = executable
        self.rateLimitPatterns = rateLimitPatterns
        self.rateLimitWaitSeconds = rateLimitWaitSeconds
        self.streamOutput = streamOutput
    }

    public static let defaultRateLimitPatterns = ["(?i)rate limit", "(?i)usage limit", "(?i)too many requests"]
    /// Marianne's `backend.timeout_seconds` default: 30 minutes.
    public static let defaultTimeoutSeconds: Double = 1800

    /// The timeout of one sheet: its override, else the backend's.
    public func timeoutSeconds(forSheet number: Int) -> Double? {
        timeoutOverrides[number] ?? timeoutSeconds
    }
}

public struct SheetConfig: Sendable, Equatable {
    /// Items per sheet.
    public var size: Int
    public var totalItems: Int
    public var startItem: Int
    /// Sheet (or, with fan-out, stage) number -> numbers it depends on.
    public var dependencies: [Int: [Int]]
    /// Stage number -> instance count (with `movements.N.voices`). Requires `size: 1`.
    public var fanOut: [Int: Int]
    /// Sheet number -> label for people.
    public var descriptions: [Int: String]
    /// Sheet number -> expression; the sheet is skipped when it is true (stage-keyed with fan-out
    /// in the YAML; stored per concrete sheet).
    public var skipWhen: [Int: String]
    /// Sheet number -> command; exit 0 skips the sheet (stored per concrete sheet).
    public var skipWhenCommand: [Int: SkipWhenCommand]
    /// Files injected into every sheet's prompt.
    public var prelude: [InjectionItem]
    /// Sheet number -> files injected into that sheet's prompt.
    public var cadenzas: [Int: [InjectionItem]]
    /// Sheet number -> extra prompt text for that sheet.
    public var promptExtensions: [Int: [String]]
    /// Sheet number -> instrument name (highest precedence).
    public var perSheetInstruments: [Int: String]
    public var perSheetInstrumentConfig: [Int: [String: JSONValue]]
    /// Sheet number -> fallback chain; replaces inherited chains (empty disables them).
    public var perSheetFallbacks: [Int: [String]]
    /// Instrument name -> its sheets.
    public var instrumentMap: [String: [Int]]
    /// Sheet number -> its `executor` (`per_sheet_executors`), over the movement's and the score's.
    public var perSheetExecutors: [Int: ExecutorConfig] = [:]

    public init(
        size: Int = 1, totalItems: Int = 1, startItem: Int = 1, dependencies: [Int: [Int]] = [:], fanOut: [Int: Int] = [:],
        descriptions: [Int: String] = [:], skipWhen: [Int: String] = [:], skipWhenCommand: [Int: SkipWhenCommand] = [:],
        prelude: [InjectionItem] = [], cadenzas: [Int: [InjectionItem]] = [:], promptExtensions: [Int: [String]] = [:],
        perSheetInstruments: [Int: String] = [:], perSheetInstrumentConfig: [Int: [String: JSONValue]] = [:],
        perSheetFallbacks: [Int: [String]] = [:], instrumentMap: [String: [Int]] = [:]
    ) {
        self.size = size
        self.totalItems = totalItems
        self.startItem = startItem
        self.dependencies = dependencies
        self.fanOut = fanOut
        self.descriptions = descriptions
        self.skipWhen = skipWhen
        self.skipWhenCommand = skipWhenCommand
        self.prelude = prelude
        self.cadenzas = cadenzas
        self.promptExtensions = promptExtensions
        self.perSheetInstruments = perSheetInstruments
        self.perSheetInstrumentConfig = perSheetInstrumentConfig
        self.perSheetFallbacks = perSheetFallbacks
        self.instrumentMap = instrumentMap
    }
}

public struct PromptConfig: Sendable, Equatable {
    /// The template text (from `template`, or the contents of `template_file`).
    public var template: String
    public var templateFile: String?
    public var variables: [String: TemplateValue]
    /// Text the template can use as `{{ stakes }}` ("" when absent).
    public var stakes: String?
    /// Text the template can use as `{{ thinking_method }}` ("" when absent).
    public var thinkingMethod: String?
    /// Extra prompt text for every sheet, added after the rendered template.
    public var promptExtensions: [String]

    public init(
        template: String = "", templateFile: String? = nil, variables: [String: TemplateValue] = [:], stakes: String? = nil,
        thinkingMethod: String? = nil, promptExtensions: [String] = []
    ) {
        self.stakes = stakes
        self.thinkingMethod = thinkingMethod
        self.promptExtensions = promptExtensions
        self.template = template
        self.templateFile = templateFile
        self.variables = variables
    }
}

public enum ValidationType: String, Sendable, Equatable, CaseIterable {
    case fileExists = "file_exists"
    case fileModified = "file_modified"
    case contentContains = "content_contains"
    case contentRegex = "content_regex"
    case commandSucceeds = "command_succeeds"
}

public struct ValidationRule: Sendable, Equatable {
    public var type: ValidationType
    /// Path with `{workspace}`-style placeholders (file rules).
    public var path: String?
    /// Substring (content_contains) or regular expression (content_regex).
    public var pattern: String?
    /// Shell command with placeholders (command_succeeds); see `ShellSubstitution`.
    public var command: String?
    public var description: String?
    public var stage: Int
    /// Seconds a command may run (Marianne's default: 3600).
    public var timeoutSeconds: Double
    /// When the rule applies, e.g. `sheet_num >= 2 and stage == 3`; see `ValidationCondition`.
    /// `sheet: N` becomes `sheet_num == N` when no condition is given.
    public var condition: String?
    /// The `sheet:` shorthand as written.
    public var sheet: Int?
    /// Directory a command runs in (placeholders expanded; default the workspace).
    public var workingDirectory: String?
    /// Extra checks of a failing rule (filesystem races), `retryDelayMilliseconds` apart.
    public var retryCount: Int
    public var retryDelayMilliseconds: Int

    public init(
        type: ValidationType, path: String? = nil, pattern: String? = nil, command: String? = nil,
        description: String? = nil, stage: Int = 1, timeoutSeconds: Double = ValidationRule.defaultTimeoutSeconds,
        condition: String? = nil, sheet: Int? = nil, workingDirectory: String? = nil, retryCount: Int = 3,
        retryDelayMilliseconds: Int = 200
    ) {
        self.type = type
        self.path = path
        self.pattern = pattern
        self.command = command
        self.description = description
        self.stage = stage
        self.timeoutSeconds = timeoutSeconds
        self.condition = condition ?? sheet.map { "sheet_num == \($0)" }
        self.sheet = sheet
        self.workingDirectory = workingDirectory
        self.retryCount = retryCount
        self.retryDelayMilliseconds = retryDelayMilliseconds
    }

    /// Marianne's timeout for validation commands: one hour.
    public static let defaultTimeoutSeconds: Double = 3600
}
