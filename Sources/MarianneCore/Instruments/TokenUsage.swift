/// Tokens an instrument reported and what they cost (US dollars, from the profile's model
/// prices, else the score's `cost_limits` rates). Added up per sheet and per job.
public struct TokenUsage: Codable, Sendable, Equatable {
    public var inputTokens: Int
    public var outputTokens: Int
    public var costUSD: Double

    public init(inputTokens: Int = 0, outputTokens: Int = 0, costUSD: Double = 0) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.costUSD = costUSD
    }

    public static let zero = TokenUsage()

    /// The sum, saturating (no count can overflow, no cost become infinite).
    public static func + (left: TokenUsage, right: TokenUsage) -> TokenUsage {
        let input = left.inputTokens.addingReportingOverflow(right.inputTokens)
        let output = left.outputTokens.addingReportingOverflow(right.outputTokens)
        let cost = left.costUSD + right.costUSD
        return TokenUsage(
            inputTokens: input.overflow ? Int.max : input.partialValue, outputTokens: output.overflow ? Int.max : output.partialValue,
            costUSD: cost.isFinite ? cost : Double.greatestFiniteMagnitude
        )
    }

    /// The cost of these tokens: the model's prices when the profile lists the model, else the
    /// given rates (per 1000 tokens).
    public static func priced(input: Int?, output: Int?, model: ModelCapacity?, fallbackInput: Double, fallbackOutput: Double) -> TokenUsage {
        let tokensIn = max(0, input ?? 0), tokensOut = max(0, output ?? 0)
        let cost = model?.cost(inputTokens: tokensIn, outputTokens: tokensOut)
            ?? (Double(tokensIn) * fallbackInput / 1000 + Double(tokensOut) * fallbackOutput / 1000)
        return TokenUsage(inputTokens: tokensIn, outputTokens: tokensOut, costUSD: cost.isFinite ? cost : 0)
    }

    enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case costUSD = "cost_usd"
    }
}

/// One attempt of a sheet as the checkpoint keeps it (the last `SheetState.maxAttemptLog`).
public struct AttemptRecord: Codable, Sendable, Equatable {
    public var attempt: Int
    public var instrument: String
    public var model: String?
    public var usage: TokenUsage
    /// `completed`, `failed`, `rate_limit`, `auth`, `capacity`, `timeout`, `crash`, `stale`,
    /// `validation` (ran, a validation failed), `not_found` (the program is missing).
    public var outcome: String
    public var exitCode: Int32?
    public var durationSeconds: Double
    /// A completion attempt (told what was left).
    public var completion: Bool?

    public init(attempt: Int, instrument: String, model: String?, usage: TokenUsage, outcome: String, exitCode: Int32?, durationSeconds: Double, completion: Bool? = nil) {
        self.attempt = attempt
        self.instrument = instrument
        self.model = model
        self.usage = usage
        self.outcome = outcome
        self.exitCode = exitCode
        self.durationSeconds = durationSeconds
        self.completion = completion
    }

    enum CodingKeys: String, CodingKey {
        case attempt, instrument, model, usage, outcome, completion
        case exitCode = "exit_code"
        case durationSeconds = "duration_seconds"
    }
}

/// The git worktree an isolated job runs in (`isolation:`).
public struct WorktreeState: Codable, Sendable, Equatable {
    public var path: String
    public var branch: String
    public var repository: String

    public init(path: String, branch: String, repository: String) {
        self.path = path
        self.branch = branch
        self.repository = repository
    }
}
