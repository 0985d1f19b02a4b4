import Foundation
import Yams

/// `rate_limit`, `cost_limits`, `stale_detection`, `circuit_breaker`, `isolation` and the
/// completion keys of `retry`: checked as Marianne checks them (`ValueSpec`), then read into
/// `Score.limits`.
extension ScoreParser {
    static let limitSpecs: [String: ValueSpec] = [
        "rate_limit": .fields([
            "detection_patterns": .strings, "wait_minutes": .int(1...43_200), "max_waits": .positiveCount,
            "max_quota_waits": .positiveCount,
        ]),
        "circuit_breaker": .fields([
            "enabled": .bool, "failure_threshold": .int(1...100), "recovery_timeout_seconds": .number(0...3600, above: true),
            "cross_workspace_coordination": .bool, "honor_other_jobs_rate_limits": .bool,
        ]),
        "cost_limits": .fields([
            "enabled": .bool, "max_cost_per_sheet": .optional(.positiveNumber), "max_cost_per_job": .optional(.positiveNumber),
            "cost_per_1k_input_tokens": .positiveNumber, "cost_per_1k_output_tokens": .positiveNumber, "warn_at_percent": .percent,
        ]),
        "stale_detection": .fields([
            "enabled": .bool, "idle_timeout_seconds": .positiveSeconds, "check_interval_seconds": .positiveSeconds,
        ]),
        "isolation": .fields([
            "enabled": .bool, "mode": .choice(["none", "worktree"]), "worktree_base": .optional(.string), "branch_prefix": .string,
            "source_branch": .optional(.string), "cleanup_on_success": .bool, "cleanup_on_failure": .bool,
            "lock_during_execution": .bool, "fallback_on_error": .bool,
        ]),
    ]

    /// One of the sections above, into `limits`.
    mutating func parseLimit(_ key: String, _ node: Node, into limits: inout ExecutionLimits) {
        guard let spec = Self.limitSpecs[key] else { return }
        let before = problems.count
        check(node, spec, key)
        let valid = !problems[before...].contains { $0.severity == .error }
        guard case .mapping(let mapping) = node else { return }
        let values = Dictionary(mapping.compactMap { key, value in key.string.map { ($0, value) } }, uniquingKeysWith: { $1 })
        switch key {
        case "rate_limit":
            var config = RateLimitConfig(declared: true)
            config.detectionPatterns = Self.quietStrings(values["detection_patterns"]) ?? []
            for (index, pattern) in config.detectionPatterns.enumerated() {
                checkRegex(PythonRegex.translate(pattern), values["detection_patterns"] ?? node, "rate_limit.detection_patterns[\(index)]")
            }
            config.waitMinutes = values["wait_minutes"]?.int ?? config.waitMinutes
            config.maxWaits = values["max_waits"]?.int ?? config.maxWaits
            config.maxQuotaWaits = values["max_quota_waits"]?.int ?? config.maxQuotaWaits
            if valid { limits.rateLimit = config }
        case "circuit_breaker":
            var config = CircuitBreakerConfig(declared: true)
            config.enabled = values["enabled"]?.bool ?? config.enabled
            config.failureThreshold = values["failure_threshold"]?.int ?? config.failureThreshold
            config.recoveryTimeoutSeconds = Self.quietNumber(values["recovery_timeout_seconds"]) ?? config.recoveryTimeoutSeconds
            config.crossWorkspaceCoordination = values["cross_workspace_coordination"]?.bool ?? config.crossWorkspaceCoordination
            config.honorOtherJobsRateLimits = values["honor_other_jobs_rate_limits"]?.bool ?? config.honorOtherJobsRateLimits
            if valid { limits.circuitBreaker = config }
        case "cost_limits":
            var config = CostLimitConfig()
            config.enabled = values["enabled"]?.bool ?? false
            config.maxCostPerSheet = Self.quietNumber(values["max_cost_per_sheet"])
            config.maxCostPerJob = Self.quietNumber(values["max_cost_per_job"])
            config.costPer1kInputTokens = Self.quietNumber(values["cost_per_1k_input_tokens"]) ?? config.costPer1kInputTokens
            config.costPer1kOutputTokens = Self.quietNumber(values["cost_per_1k_output_tokens"]) ?? config.costPer1kOutputTokens
            config.warnAtPercent = Self.quietNumber(values["warn_at_percent"]) ?? config.warnAtPercent
            if valid, config.enabled, config.maxCostPerSheet == nil, config.maxCostPerJob == nil {
                report(ScoreCode.missingKey, "cost_limits is enabled but sets no limit", node, hint: "give max_cost_per_sheet or max_cost_per_job (US dollars)")
            }
            if valid { limits.costLimits = config }
        case "stale_detection":
            var config = StaleDetectionConfig()
            config.enabled = values["enabled"]?.bool ?? false
            config.idleTimeoutSeconds = Self.quietNumber(values["idle_timeout_seconds"]) ?? config.idleTimeoutSeconds
            config.checkIntervalSeconds = Self.quietNumber(values["check_interval_seconds"]) ?? config.checkIntervalSeconds
            if valid, config.checkIntervalSeconds >= config.idleTimeoutSeconds {
                report(ScoreCode.invalidValue, "stale_detection.check_interval_seconds (\(Self.format(config.checkIntervalSeconds))) must be less than idle_timeout_seconds (\(Self.format(config.idleTimeoutSeconds)))",
                       values["check_interval_seconds"] ?? node)
            }
            if valid { limits.staleDetection = config }
        case "isolation":
            var config = IsolationConfig()
            config.enabled = values["enabled"]?.bool ?? false
            config.mode = values["mode"]?.string ?? config.mode
            config.worktreeBase = values["worktree_base"].flatMap { Self.isNull($0) ? nil : $0.string }
            config.branchPrefix = values["branch_prefix"]?.string ?? config.branchPrefix
            config.sourceBranch = values["source_branch"].flatMap { Self.isNull($0) ? nil : $0.string }
            config.cleanupOnSuccess = values["cleanup_on_success"]?.bool ?? config.cleanupOnSuccess
            config.cleanupOnFailure = values["cleanup_on_failure"]?.bool ?? config.cleanupOnFailure
            config.lockDuringExecution = values["lock_during_execution"]?.bool ?? config.lockDuringExecution
            config.fallbackOnError = values["fallback_on_error"]?.bool ?? config.fallbackOnError
            if valid, !Self.isBranchPrefix(config.branchPrefix) {
                report(ScoreCode.invalidValue, "isolation.branch_prefix \"\(config.branchPrefix)\" must start with a letter and hold only letters, digits, '_' and '-'",
                       values["branch_prefix"] ?? node)
            }
            if let source = config.sourceBranch, source.hasPrefix("-") || source.contains("..") || source.contains(" ") {
                report(ScoreCode.invalidValue, "isolation.source_branch \"\(source)\" is not a branch name", values["source_branch"] ?? node)
            }
            if valid { limits.isolation = config }
        default:
            break
        }
    }

    /// `retry.max_completion_attempts`, `completion_delay_seconds`, `completion_threshold_percent`.
    mutating func parseCompletion(_ key: String, _ node: Node, into completion: inout CompletionConfig) {
        let path = "retry.\(key)"
        switch key {
        case "max_completion_attempts": completion.maxAttempts = int(node, path, in: 0...ScoreLimits.maxCount) ?? completion.maxAttempts
        case "completion_delay_seconds": completion.delaySeconds = seconds(node, path) ?? completion.delaySeconds
        case "completion_threshold_percent": completion.thresholdPercent = number(node, path, in: 0...100, above: true) ?? completion.thresholdPercent
        default: break
        }
    }

    static func isBranchPrefix(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCII, CharacterSet.letters.contains(first), text.utf8.count <= 100 else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-") }
    }

    /// A number already checked by `check` (nil when absent, null or not a number).
    static func quietNumber(_ node: Node?) -> Double? {
        guard let node, !isNull(node), node.bool == nil else { return nil }
        guard let value = node.int.map(Double.init) ?? node.float, value.isFinite else { return nil }
        return value
    }

    static func quietStrings(_ node: Node?) -> [String]? {
        guard case .sequence(let items)? = node else { return nil }
        return items.compactMap { item in
            guard case .scalar(let scalar) = item else { return nil }
            return scalar.string
        }
    }
}
