/// The largest values a score may give, checked where each number is parsed so that no
/// later arithmetic or conversion can trap. Documented in Docs/SCORES.md.
public enum ScoreLimits {
    /// Any timeout, delay, pause or wait: 30 days, in seconds.
    public static let maxSeconds: Double = 30 * 86_400
    /// `max_duration`: one year, in seconds.
    public static let maxJobSeconds: Double = 365 * 86_400
    /// Sheets in one score after sizing and fan-out.
    public static let maxSheets = 100_000
    /// `sheet.size`, `sheet.total_items` and counts of items.
    public static let maxItems = 1_000_000_000
    /// `sheet.start_item`.
    public static let maxStartItem = 1_000_000_000_000
    /// Retries, completion attempts, chain depths and other small counts.
    public static let maxCount = 10_000
    /// Millisecond delays (`stagger_delay_ms`, `retry_delay_ms`): Marianne's own maximum.
    public static let maxDelayMilliseconds = 5_000
    /// Characters (`max_output_chars`) and bytes (`max_output_capture_bytes`).
    public static let maxCharacters = 100_000_000
    /// Magnitude of any other number (a float's integer part stays exact below 2^53).
    public static let maxMagnitude: Double = 9_007_199_254_740_992
    /// Files read into one prompt by prelude/cadenza injections, and bytes per file.
    public static let maxInjectedFiles = 1_000
    public static let maxInjectedFileBytes = 16 * 1024 * 1024
}
