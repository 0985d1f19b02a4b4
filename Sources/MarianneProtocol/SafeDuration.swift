import Foundation

extension Duration {
    /// The longest wait the conductor ever makes in one go (about 100 years).
    public static let longestWait = Duration.seconds(3_153_600_000)

    /// `seconds` as a duration, never trapping: NaN and negative values are zero, huge and
    /// infinite ones the longest wait (a `Duration` from a Double out of range traps).
    public static func clampedSeconds(_ seconds: Double) -> Duration {
        guard seconds.isFinite, seconds > 0 else { return seconds == .infinity ? longestWait : .zero }
        return seconds >= 3_153_600_000 ? longestWait : .milliseconds(Int64(seconds * 1000))
    }
}
