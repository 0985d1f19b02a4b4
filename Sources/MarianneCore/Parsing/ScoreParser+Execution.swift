import Foundation
import Yams

extension ScoreParser {
    mutating func parseRetry(_ node: Node, into retry: inout RetryPolicy, completion: inout CompletionConfig) {
        var base: Node?
        var maximum: Node?
        for (key, _, value) in mapping(node, "retry", known: ScoreKeys.retry, section: "retry") ?? [] {
            let path = "retry.\(key)"
            switch key {
            case "max_retries": retry.maxRetries = int(value, path, in: 0...ScoreLimits.maxCount) ?? retry.maxRetries
            case "base_delay_seconds":
                base = value
                retry.baseDelaySeconds = seconds(value, path) ?? retry.baseDelaySeconds
            case "max_delay_seconds":
                maximum = value
                retry.maxDelaySeconds = seconds(value, path) ?? retry.maxDelaySeconds
            case "exponential_base": retry.exponentialBase = number(value, path, in: 1...100) ?? retry.exponentialBase
            case "jitter": retry.jitter = bool(value, path) ?? retry.jitter
            case "max_completion_attempts", "completion_delay_seconds", "completion_threshold_percent":
                parseCompletion(key, value, into: &completion)
            default: break
            }
        }
        if base != nil, maximum != nil, retry.baseDelaySeconds > retry.maxDelaySeconds {
            report(ScoreCode.invalidValue, "retry.base_delay_seconds (\(Self.format(retry.baseDelaySeconds))) is more than retry.max_delay_seconds (\(Self.format(retry.maxDelaySeconds)))", base)
        }
    }

    /// `max_concurrent` sets the limit (this project); `enabled: true` alone gives Marianne's 3;
    /// `enabled: false` means one sheet at a time.
    mutating func parseParallel(_ node: Node, into parallel: inout ParallelConfig) {
        var enabled: Bool?
        var count: Int?
        for (key, _, value) in mapping(node, "parallel", known: ScoreKeys.parallel, section: "parallel") ?? [] {
            let path = "parallel.\(key)"
            switch key {
            case "max_concurrent": count = int(value, path, in: 1...20)
            case "enabled": enabled = bool(value, path)
            case "fail_fast": parallel.failFast = bool(value, path) ?? parallel.failFast
            case "stagger_delay_ms": parallel.staggerDelayMilliseconds = int(value, path, in: 0...ScoreLimits.maxDelayMilliseconds) ?? 0
            default: break
            }
        }
        switch (enabled, count) {
        case (false?, _): parallel.maxConcurrent = 1
        case (_, let count?): parallel.maxConcurrent = count
        case (true?, nil): parallel.maxConcurrent = ParallelConfig.defaultMaxConcurrent
        case (nil, nil): break
        }
    }

    mutating func parseCrossSheet(_ node: Node) -> CrossSheetConfig {
        var config = CrossSheetConfig()
        for (key, _, value) in mapping(node, "cross_sheet", known: ScoreKeys.crossSheet) ?? [] {
            let path = "cross_sheet.\(key)"
            switch key {
            case "auto_capture_stdout": config.autoCaptureStdout = bool(value, path) ?? false
            case "max_output_chars": config.maxOutputCharacters = int(value, path, in: 1...ScoreLimits.maxCharacters) ?? config.maxOutputCharacters
            case "capture_files": config.captureFiles = strings(value, path) ?? []
            case "lookback_sheets": config.lookbackSheets = int(value, path, in: 0...ScoreLimits.maxSheets) ?? config.lookbackSheets
            default: break
            }
        }
        return config
    }

    mutating func parseConcert(_ node: Node) -> ConcertConfig {
        var concert = ConcertConfig()
        for (key, _, value) in mapping(node, "concert", known: ScoreKeys.concert) ?? [] {
            let path = "concert.\(key)"
            if Self.isNull(value) { continue }
            switch key {
            case "enabled": concert.enabled = bool(value, path) ?? false
            case "max_chain_depth": concert.maxChainDepth = int(value, path, in: 1...100) ?? concert.maxChainDepth
            case "cooldown_between_jobs_seconds": concert.cooldownBetweenJobsSeconds = seconds(value, path) ?? concert.cooldownBetweenJobsSeconds
            case "inherit_workspace": concert.inheritWorkspace = bool(value, path) ?? true
            case "concert_log_path": concert.concertLogPath = string(value, path)
            case "abort_concert_on_hook_failure": concert.abortConcertOnHookFailure = bool(value, path) ?? false
            default: break
            }
        }
        return concert
    }
}
