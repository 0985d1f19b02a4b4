public struct ParallelConfig: Sendable, Equatable {
    /// Independent sheets of one job run at the same time up to this many.
    public var maxConcurrent: Int
    /// Stop starting new sheets once one fails (Marianne's default: true).
    public var failFast: Bool
    /// Milliseconds between launching sheets that start together (0-5000).
    public var staggerDelayMilliseconds: Int

    public init(maxConcurrent: Int = 1, failFast: Bool = true, staggerDelayMilliseconds: Int = 0) {
        self.maxConcurrent = maxConcurrent
        self.failFast = failFast
        self.staggerDelayMilliseconds = staggerDelayMilliseconds
    }

    /// Marianne's `max_concurrent` when `enabled: true` names no count.
    public static let defaultMaxConcurrent = 3
}
