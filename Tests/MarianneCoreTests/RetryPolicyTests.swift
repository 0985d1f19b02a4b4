import MarianneCore
import Testing

struct RetryPolicyTests {
    @Test func backoffIsExponentialAndCapped() {
        let policy = RetryPolicy(maxRetries: 5, baseDelaySeconds: 1, maxDelaySeconds: 5, exponentialBase: 2)
        #expect((1...5).map { policy.delay(beforeRetry: $0) } == [1, 2, 4, 5, 5])
    }

    @Test func jitterStaysWithinACapOfTheDelay() {
        let policy = RetryPolicy(baseDelaySeconds: 4, maxDelaySeconds: 60, jitter: true)
        for _ in 0..<50 {
            let delay = policy.delay(beforeRetry: 1)
            #expect(delay >= 3 && delay <= 4)
        }
    }
}
