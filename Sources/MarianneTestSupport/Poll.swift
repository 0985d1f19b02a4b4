import Foundation

/// Waiting by polling with a deadline, never by fixed sleeps.
public enum Poll {
    public struct TimedOut: Error, CustomStringConvertible {
        public let seconds: Double
        public var description: String { "condition not met within \(seconds)s" }
    }

    /// Re-checks `condition` every `interval` seconds until it holds; throws after `timeout`.
    public static func until(timeout: Double, interval: Double = 0.02, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if try await condition() { return }
            if Date() >= deadline { throw TimedOut(seconds: timeout) }
            try await Task.sleep(nanoseconds: UInt64(interval * 1e9))
        }
    }
}
