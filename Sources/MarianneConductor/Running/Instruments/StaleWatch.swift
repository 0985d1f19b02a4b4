import Foundation
import MarianneCore

/// `stale_detection`: watches an attempt's output files and returns once neither has grown
/// for `idle_timeout_seconds` (checked every `check_interval_seconds`); never returns while
/// the attempt prints, and ends when its task is cancelled.
struct StaleWatch: Sendable {
    let config: StaleDetectionConfig
    let files: [String]

    /// True when the attempt went silent; false when cancelled first.
    func wait() async -> Bool {
        let interval = max(0.05, min(config.checkIntervalSeconds, config.idleTimeoutSeconds))
        var sizes = files.map(Self.size)
        var lastChange = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
            if Task.isCancelled { return false }
            let now = files.map(Self.size)
            if now != sizes {
                sizes = now
                lastChange = .now
            } else if ContinuousClock.now - lastChange >= .milliseconds(Int64(config.idleTimeoutSeconds * 1000)) {
                return true
            }
        }
        return false
    }

    static func size(_ path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : -1
    }
}
