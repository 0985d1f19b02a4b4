/// The keys a score may have, and the validation codes. Keys of Marianne's reference that
/// are accepted but not acted on are listed, with what is ignored, in `MarianneReference`.
enum ScoreKeys {
    static let root: Set<String> = [
        "name", "description", "workspace", "backend", "instrument", "instrument_config", "instrument_fallbacks",
        "instruments", "movements", "sheet", "prompt", "validations", "retry", "parallel", "max_duration",
        "pause_between_sheets_seconds", "on_success", "concert", "cross_sheet", "executor", "rate_limit", "cost_limits", "stale_detection",
        "circuit_breaker", "isolation",
    ]
    static let backend: Set<String> = [
        "type", "timeout", "timeout_seconds", "timeout_overrides", "sheet_overrides", "env", "working_directory",
        "cli_args", "executable", "rate_limit_patterns", "rate_limit_wait", "stream_output",
        // Marianne's claude_cli settings, applied as instrument settings (InstrumentSettings).
        "skip_permissions", "disable_mcp", "output_format", "cli_model", "allowed_tools", "system_prompt_file", "cli_extra_args",
    ]
    static let sheetOverride: Set<String> = ["timeout_seconds"]
    /// `instrument_config` keys instruments apply (`InstrumentSettings`); the others are kept
    /// but give W001.
    static let appliedInstrumentConfig: Set<String> = InstrumentSettings.keys
    static let sheet: Set<String> = [
        "size", "total_items", "start_item", "dependencies", "fan_out", "descriptions", "skip_when", "skip_when_command",
        "prelude", "cadenzas", "prompt_extensions", "per_sheet_instruments", "per_sheet_instrument_config",
        "per_sheet_fallbacks", "instrument_map", "per_sheet_executors",
    ]
    static let prompt: Set<String> = ["template", "template_file", "variables", "stakes", "thinking_method", "prompt_extensions"]
    static let validation: Set<String> = [
        "type", "path", "pattern", "command", "description", "stage", "timeout_seconds", "condition", "sheet",
        "working_directory", "retry_count", "retry_delay_ms",
    ]
    static let retry: Set<String> = [
        "max_retries", "base_delay_seconds", "max_delay_seconds", "exponential_base", "jitter", "max_completion_attempts",
        "completion_delay_seconds", "completion_threshold_percent",
    ]
    static let parallel: Set<String> = ["max_concurrent", "enabled", "fail_fast", "stagger_delay_ms"]
    static let crossSheet: Set<String> = ["auto_capture_stdout", "max_output_chars", "capture_files", "lookback_sheets"]
    static let movement: Set<String> = ["name", "instrument", "instrument_config", "voices", "instrument_fallbacks", "executor"]
    static let instrument: Set<String> = ["profile", "config"]
    static let skipCommand: Set<String> = ["command", "description", "timeout_seconds"]
    static let injection: Set<String> = ["file", "directory", "as"]
    static let hook: Set<String> = ["run_command", "run_job"]
    static let postSuccessHook: Set<String> = [
        "type", "job_path", "job_workspace", "inherit_learning", "command", "working_directory", "description",
        "on_failure", "timeout_seconds", "detached", "fresh", "pause_before_chain",
    ]
    static let concert: Set<String> = [
        "enabled", "max_chain_depth", "cooldown_between_jobs_seconds", "inherit_workspace", "concert_log_path",
        "abort_concert_on_hook_failure",
    ]

    /// Template variables every sheet has (this project's and Marianne's names).
    static let builtins: Set<String> = [
        "sheet_num", "total_sheets", "start_item", "end_item", "workspace", "stage", "instance", "fan_count", "job_id",
        "total_stages", "movement", "voice", "voice_count", "total_movements", "instrument_name", "previous_outputs",
        "previous_files", "skipped_upstream", "injected_context", "injected_skills", "injected_tools", "stakes",
        "thinking_method",
    ]
    /// Names Jinja itself defines, never undefined in a template.
    static let jinjaGlobals: Set<String> = ["loop", "self", "range", "dict", "lipsum", "cycler", "joiner", "namespace", "caller", "varargs", "kwargs"]

    /// The closest known key (a small edit distance, else the shortest key it begins), for a
    /// "did you mean" hint.
    static func suggestion(for key: String, in known: Set<String>) -> String? {
        if let best = Spelling.closest(to: key, in: known) { return best }
        guard key.count >= 4 else { return nil }
        return known.filter { $0.hasPrefix(key) }.min { $0.count == $1.count ? $0 < $1 : $0.count < $1.count }
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
    /// Warning: a key of Marianne's format this project accepts and ignores.
    public static let ignoredKey = "W001"
    /// Warning: an instrument that is not known, or that does not run here yet.
    public static let instrument = "W002"
    /// Warning: a user variable hides a built-in template variable (the variable wins in the prompt).
    public static let shadowedVariable = "W003"
    /// Warning: a key that names a sheet that does not exist (the rule never applies).
    public static let unusedSheetKey = "W004"
    /// Warning: part of a validation condition is not a comparison Marianne understands (true for every sheet).
    public static let conditionIgnored = "W005"
}
