import Foundation
import MarianneProtocol

/// Fans job log entries out to followers. Each follower has a bounded queue, so a follower
/// that cannot keep up never slows the job: entries that do not fit are dropped for that
/// follower, and since sequence numbers have no gaps, the follower sees the gap and reports
/// how many entries it missed (never a silent drop).
final class JobLogHub: @unchecked Sendable {
    /// Entries a follower may lag behind before entries are dropped for it.
    static let followerCapacity = 1024

    private let lock = NSLock()
    private var followers: [String: [Int: AsyncStream<LogEntry>.Continuation]] = [:]
    private var nextID = 0

    /// A stream of the job's new entries, ending when `finish` is called for the job.
    func follow(_ jobID: String, capacity: Int = JobLogHub.followerCapacity) -> AsyncStream<LogEntry> {
        let (stream, continuation) = AsyncStream.makeStream(of: LogEntry.self, bufferingPolicy: .bufferingOldest(capacity))
        let id = lock.withLock {
            nextID += 1
            followers[jobID, default: [:]][nextID] = continuation
            return nextID
        }
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            self.lock.withLock { _ = self.followers[jobID]?.removeValue(forKey: id) }
        }
        return stream
    }

    func publish(_ jobID: String, _ entry: LogEntry) {
        let targets = lock.withLock { followers[jobID].map { Array($0.values) } ?? [] }
        for continuation in targets {
            continuation.yield(entry)
        }
    }

    /// Ends every follower of the job (it reached a final state).
    func finish(_ jobID: String) {
        let targets = lock.withLock { followers.removeValue(forKey: jobID).map { Array($0.values) } ?? [] }
        for continuation in targets {
            continuation.finish()
        }
    }
}
