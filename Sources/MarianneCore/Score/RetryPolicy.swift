import Foundation

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
