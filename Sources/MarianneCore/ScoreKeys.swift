/// The keys a score may have, and the validation codes.
enum ScoreKeys {
    static let root: Set<String> = [
        "name", "description", "workspace", "backend", "instrument", "instrument_config", "sheet", "prompt",
        "validations", "retry", "parallel", "max_duration", "pause_between_sheets_seconds", "on_success",
    ]
    static let backend: Set<String> = [
        "type", "timeout", "env", "working_directory", "cli_args", "executable", "rate_limit_patterns",
        "rate_limit_wait", "stream_output",
    ]
    static let instrumentConfig: Set<String> = ["timeout_seconds", "cli_args", "executable", "env", "working_directory"]
    static let sheet: Set<String> = ["size", "total_items", "start_item", "dependencies", "fan_out"]
    static let prompt: Set<String> = ["template", "template_file", "variables"]
    static let validation: Set<String> = ["type", "path", "pattern", "command", "description", "stage", "timeout_seconds"]
    static let retry: Set<String> = ["max_retries", "base_delay_seconds", "max_delay_seconds", "exponential_base", "jitter"]
    static let parallel: Set<String> = ["max_concurrent", "enabled"]
    static let hook: Set<String> = ["run_command", "run_job"]

    /// Keys of the Python Marianne that this project accepts and ignores, with a warning.
    static let ignoredRoot: Set<String> = [
        "instrument_fallbacks", "movements", "cadenzas", "learning", "notifications", "cost_limits", "concert",
        "checkpoints", "state_backend", "state_path", "ai_review", "rate_limit", "circuit_breaker", "cross_sheet",
        "conductor", "isolation", "grounding", "spec", "logging", "feedback", "stale_detection", "version",
        "on_failure", "hooks", "tags", "metadata", "validation_retry", "self_healing", "completion", "prompt_extensions",
    ]
    static let ignoredNested: Set<String> = [
        "model", "allowed_tools", "disallowed_tools", "output_format", "max_turns", "skip_permissions",
        "system_prompt", "cli_extra_args", "disable_mcp", "enabled", "prompt_extensions", "cadenza", "instruments",
    ]

    /// Built-in template variables.
    static let builtins: Set<String> = [
        "sheet_num", "total_sheets", "start_item", "end_item", "workspace", "stage", "instance", "fan_count", "job_id",
    ]
    /// Placeholders in validation paths and commands.
    static let placeholders: Set<String> = ["workspace", "sheet_num", "total_sheets", "start_item", "end_item", "stage", "instance", "fan_count", "job_id"]

    /// The closest known key within edit distance 2, for a "did you mean" hint.
    static func suggestion(for key: String, in known: Set<String>) -> String? {
        let scored = known.map { ($0, distance(key, $0)) }.filter { $0.1 <= max(2, key.count / 3) }
        return scored.min { $0.1 == $1.1 ? $0.0 < $1.0 : $0.1 < $1.1 }?.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// Stable validation codes (documented in Docs/SCORES.md).
public enum ScoreCode {
    public static let yamlSyntax = "V001"
    public static let unknownKey = "V002"
    public static let wrongType = "V003"
    public static let missingKey = "V004"
    public static let invalidValue = "V005"
    public static let badDuration = "V006"
    public static let badRegex = "V007"
    public static let templateSyntax = "V008"
    public static let undefinedVariable = "V009"
    public static let badDependency = "V010"
    public static let dependencyCycle = "V011"
    public static let badFanOut = "V012"
    public static let invalidName = "V013"
    public static let unreadableFile = "V014"
    public static let hostileInput = "V015"
    public static let unknownValidationType = "V016"
    public static let validationField = "V017"
    public static let ignoredKey = "W001"
}
