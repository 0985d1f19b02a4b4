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
    public var onSuccess: [Hook]

    public init(
        name: String, description: String? = nil, workspace: String, backend: BackendConfig = BackendConfig(),
        sheet: SheetConfig = SheetConfig(), prompt: PromptConfig = PromptConfig(), validations: [ValidationRule] = [],
        retry: RetryPolicy = RetryPolicy(), parallel: ParallelConfig = ParallelConfig(), maxDurationSeconds: Double? = nil,
        pauseBetweenSheetsSeconds: Double = 0, onSuccess: [Hook] = []
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
    }
}

public enum BackendType: String, Sendable, Equatable, CaseIterable {
    case command
    case claudeCLI = "claude_cli"
}

public struct BackendConfig: Sendable, Equatable {
    public var type: BackendType
    /// Per-attempt timeout in seconds; nil = none.
    public var timeoutSeconds: Double?
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

    public init(
        type: BackendType = .command, timeoutSeconds: Double? = nil, env: [String: String] = [:],
        workingDirectory: String? = nil, cliArgs: [String] = [], executable: String? = nil,
        rateLimitPatterns: [String] = BackendConfig.defaultRateLimitPatterns, rateLimitWaitSeconds: Double = 60,
        streamOutput: Bool = false
    ) {
        self.type = type
        self.timeoutSeconds = timeoutSeconds
        self.env = env
        self.workingDirectory = workingDirectory
        self.cliArgs = cliArgs
        self.executable = executable
        self.rateLimitPatterns = rateLimitPatterns
        self.rateLimitWaitSeconds = rateLimitWaitSeconds
        self.streamOutput = streamOutput
    }

    public static let defaultRateLimitPatterns = ["(?i)rate limit", "(?i)usage limit", "(?i)too many requests"]
}

public struct SheetConfig: Sendable, Equatable {
    /// Items per sheet.
    public var size: Int
    public var totalItems: Int
    public var startItem: Int
    /// Sheet (or, with fan-out, stage) number -> numbers it depends on.
    public var dependencies: [Int: [Int]]
    /// Stage number -> instance count. Requires `size: 1`.
    public var fanOut: [Int: Int]

    public init(size: Int = 1, totalItems: Int = 1, startItem: Int = 1, dependencies: [Int: [Int]] = [:], fanOut: [Int: Int] = [:]) {
        self.size = size
        self.totalItems = totalItems
        self.startItem = startItem
        self.dependencies = dependencies
        self.fanOut = fanOut
    }
}

public struct PromptConfig: Sendable, Equatable {
    /// The template text (from `template`, or the contents of `template_file`).
    public var template: String
    public var templateFile: String?
    public var variables: [String: TemplateValue]

    public init(template: String = "", templateFile: String? = nil, variables: [String: TemplateValue] = [:]) {
        self.template = template
        self.templateFile = templateFile
        self.variables = variables
    }
}

/// A value a template can use: user variables from YAML, or built-ins.
public indirect enum TemplateValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case list([TemplateValue])
    case map([String: TemplateValue])
    case null
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
    /// Shell command with placeholders, values shell-quoted (command_succeeds).
    public var command: String?
    public var description: String?
    public var stage: Int
    public var timeoutSeconds: Double

    public init(
        type: ValidationType, path: String? = nil, pattern: String? = nil, command: String? = nil,
        description: String? = nil, stage: Int = 1, timeoutSeconds: Double = 30
    ) {
        self.type = type
        self.path = path
        self.pattern = pattern
        self.command = command
        self.description = description
        self.stage = stage
        self.timeoutSeconds = timeoutSeconds
    }
}

public struct RetryPolicy: Sendable, Equatable {
    public var maxRetries: Int
    public var baseDelaySeconds: Double
    public var maxDelaySeconds: Double
    public var exponentialBase: Double
    public var jitter: Bool

    public init(maxRetries: Int = 0, baseDelaySeconds: Double = 1, maxDelaySeconds: Double = 60, exponentialBase: Double = 2, jitter: Bool = false) {
        self.maxRetries = maxRetries
        self.baseDelaySeconds = baseDelaySeconds
        self.maxDelaySeconds = maxDelaySeconds
        self.exponentialBase = exponentialBase
        self.jitter = jitter
    }

    /// Delay before retry number `retry` (1-based): base * exponentialBase^(retry-1), capped,
    /// with up to 25% random jitter when enabled.
    public func delay(beforeRetry retry: Int) -> Double {
        let raw = baseDelaySeconds * pow(exponentialBase, Double(max(0, retry - 1)))
        let capped = min(raw, maxDelaySeconds)
        guard jitter else { return capped }
        return capped * Double.random(in: 0.75...1.0)
    }
}

public struct ParallelConfig: Sendable, Equatable {
    /// Independent sheets of one job run at the same time up to this many.
    public var maxConcurrent: Int

    public init(maxConcurrent: Int = 1) {
        self.maxConcurrent = maxConcurrent
    }
}

/// Something run once the job completes.
public enum Hook: Sendable, Equatable {
    /// A shell command run in the workspace.
    case runCommand(String)
    /// Another score submitted to the conductor (path relative to the score file).
    case runJob(String)
}

/// One concrete sheet after expansion of size/total_items/fan_out.
public struct PlannedSheet: Sendable, Equatable {
    public var number: Int
    public var startItem: Int
    public var endItem: Int
    public var dependencies: [Int]
    /// The stage this sheet belongs to (equals `number` without fan-out).
    public var stage: Int
    /// 1-based instance within a fanned-out stage (1 without fan-out).
    public var instance: Int
    /// Number of instances of this sheet's stage (1 without fan-out).
    public var fanCount: Int

    public init(number: Int, startItem: Int, endItem: Int, dependencies: [Int], stage: Int, instance: Int = 1, fanCount: Int = 1) {
        self.number = number
        self.startItem = startItem
        self.endItem = endItem
        self.dependencies = dependencies
        self.stage = stage
        self.instance = instance
        self.fanCount = fanCount
    }
}

/// A validated score with its resolved paths and concrete sheet plan.
public struct LoadedScore: Sendable, Equatable {
    public var score: Score
    /// The YAML text it was loaded from (becomes the checkpoint's config snapshot).
    public var source: String
    /// Absolute path of the score file, when it came from one.
    public var path: String?
    /// Absolute workspace directory.
    public var workspace: String
    public var sheets: [PlannedSheet]
    /// Keys accepted but ignored (Python Marianne keys we do not implement), deprecations.
    public var warnings: [ScoreProblem]

    public init(score: Score, source: String, path: String?, workspace: String, sheets: [PlannedSheet], warnings: [ScoreProblem]) {
        self.score = score
        self.source = source
        self.path = path
        self.workspace = workspace
        self.sheets = sheets
        self.warnings = warnings
    }
}

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
