/// `rate_limit:` how a rate-limited instrument is waited out. The score's patterns add to
/// the instrument profile's.
public struct RateLimitConfig: Sendable, Equatable {
    public var detectionPatterns: [String]
    /// Minutes to wait after a rate limit (Marianne's default: 60).
    public var waitMinutes: Int
    /// Waits in a row before the sheet goes to its fallback or fails (Marianne's default: 24).
    public var maxWaits: Int
    public var maxQuotaWaits: Int
    /// The score wrote `rate_limit:` (else `backend.rate_limit_wait` may set the wait).
    public var declared: Bool

    public init(detectionPatterns: [String] = [], waitMinutes: Int = 60, maxWaits: Int = 24, maxQuotaWaits: Int = 48, declared: Bool = false) {
        self.detectionPatterns = detectionPatterns
        self.waitMinutes = waitMinutes
        self.maxWaits = maxWaits
        self.maxQuotaWaits = maxQuotaWaits
        self.declared = declared
    }
}

/// `cost_limits:` the most a sheet and a job may spend, in US dollars.
public struct CostLimitConfig: Sendable, Equatable {
    public var enabled: Bool
    public var maxCostPerSheet: Double?
    public var maxCostPerJob: Double?
    /// Prices for tokens of a model the instrument's profile does not list.
    public var costPer1kInputTokens: Double
    public var costPer1kOutputTokens: Double
    /// A warning is logged at this share of a limit.
    public var warnAtPercent: Double

    public init(
        enabled: Bool = false, maxCostPerSheet: Double? = nil, maxCostPerJob: Double? = nil, costPer1kInputTokens: Double = 0.003,
        costPer1kOutputTokens: Double = 0.015, warnAtPercent: Double = 80
    ) {
        self.enabled = enabled
        self.maxCostPerSheet = maxCostPerSheet
        self.maxCostPerJob = maxCostPerJob
        self.costPer1kInputTokens = costPer1kInputTokens
        self.costPer1kOutputTokens = costPer1kOutputTokens
        self.warnAtPercent = warnAtPercent
    }
}

/// `stale_detection:` an attempt that prints nothing for `idleTimeoutSeconds` is stopped
/// and retried.
public struct StaleDetectionConfig: Sendable, Equatable {
    public var enabled: Bool
    public var idleTimeoutSeconds: Double
    public var checkIntervalSeconds: Double

    public init(enabled: Bool = false, idleTimeoutSeconds: Double = 300, checkIntervalSeconds: Double = 30) {
        self.enabled = enabled
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.checkIntervalSeconds = checkIntervalSeconds
    }
}

/// `circuit_breaker:` after `failureThreshold` failed attempts in a row on an instrument,
/// the job stops sending it sheets for `recoveryTimeoutSeconds`, then tries one.
public struct CircuitBreakerConfig: Sendable, Equatable {
    public var enabled: Bool
    public var failureThreshold: Int
    public var recoveryTimeoutSeconds: Double
    public var crossWorkspaceCoordination: Bool
    public var honorOtherJobsRateLimits: Bool
    /// The score wrote `circuit_breaker:` (else it applies to agent instruments only).
    public var declared: Bool

    public init(
        enabled: Bool = true, failureThreshold: Int = 5, recoveryTimeoutSeconds: Double = 300, crossWorkspaceCoordination: Bool = true,
        honorOtherJobsRateLimits: Bool = true, declared: Bool = false
    ) {
        self.enabled = enabled
        self.failureThreshold = failureThreshold
        self.recoveryTimeoutSeconds = recoveryTimeoutSeconds
        self.crossWorkspaceCoordination = crossWorkspaceCoordination
        self.honorOtherJobsRateLimits = honorOtherJobsRateLimits
        self.declared = declared
    }
}

/// `isolation:` the job's sheets run in a git worktree of their own.
public struct IsolationConfig: Sendable, Equatable {
    public var enabled: Bool
    /// `worktree`, or `none`.
    public var mode: String
    /// Where worktrees go (relative to the repository); nil: `REPO/.worktrees`.
    public var worktreeBase: String?
    /// The branch is `PREFIX/JOB-ID`.
    public var branchPrefix: String
    /// The branch the worktree starts from; nil: the repository's HEAD.
    public var sourceBranch: String?
    public var cleanupOnSuccess: Bool
    public var cleanupOnFailure: Bool
    public var lockDuringExecution: Bool
    /// When the worktree cannot be made, run in the workspace instead of failing.
    public var fallbackOnError: Bool

    public init(
        enabled: Bool = false, mode: String = "worktree", worktreeBase: String? = nil, branchPrefix: String = "marianne",
        sourceBranch: String? = nil, cleanupOnSuccess: Bool = true, cleanupOnFailure: Bool = false, lockDuringExecution: Bool = true,
        fallbackOnError: Bool = true
    ) {
        self.enabled = enabled
        self.mode = mode
        self.worktreeBase = worktreeBase
        self.branchPrefix = branchPrefix
        self.sourceBranch = sourceBranch
        self.cleanupOnSuccess = cleanupOnSuccess
        self.cleanupOnFailure = cleanupOnFailure
        self.lockDuringExecution = lockDuringExecution
        self.fallbackOnError = fallbackOnError
    }

    /// Isolation is on: enabled with the worktree mode.
    public var isActive: Bool { enabled && mode == "worktree" }
}

/// Marianne's completion mode (`retry.max_completion_attempts`, ...): after an attempt that
/// ran and passed at least `thresholdPercent` of its validations but not all, up to
/// `maxAttempts` attempts are told what is left, without spending a retry.
public struct CompletionConfig: Sendable, Equatable {
    public var maxAttempts: Int
    public var delaySeconds: Double
    public var thresholdPercent: Double

    public init(maxAttempts: Int = 5, delaySeconds: Double = 5, thresholdPercent: Double = 50) {
        self.maxAttempts = maxAttempts
        self.delaySeconds = delaySeconds
        self.thresholdPercent = thresholdPercent
    }
}

/// The execution settings of a score beyond retries: grouped so `Score` stays one value.
public struct ExecutionLimits: Sendable, Equatable {
    public var rateLimit: RateLimitConfig
    public var costLimits: CostLimitConfig
    public var staleDetection: StaleDetectionConfig
    public var circuitBreaker: CircuitBreakerConfig
    public var isolation: IsolationConfig
    public var completion: CompletionConfig

    public init(
        rateLimit: RateLimitConfig = RateLimitConfig(), costLimits: CostLimitConfig = CostLimitConfig(),
        staleDetection: StaleDetectionConfig = StaleDetectionConfig(), circuitBreaker: CircuitBreakerConfig = CircuitBreakerConfig(),
        isolation: IsolationConfig = IsolationConfig(), completion: CompletionConfig = CompletionConfig()
    ) {
        self.rateLimit = rateLimit
        self.costLimits = costLimits
        self.staleDetection = staleDetection
        self.circuitBreaker = circuitBreaker
        self.isolation = isolation
        self.completion = completion
    }
}
