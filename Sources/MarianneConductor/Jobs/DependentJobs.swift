import Foundation
import MarianneProtocol

/// Jobs queued `after` another: when that one ends without completing, they can never start,
/// so they fail too (and the jobs after them), each with the reason in its log.
struct DependentJobs: Sendable {
    let store: JobStore
    let log: JobLog
    let groups: JobGroups
    let waiters: JobWaiters
    let queue: @Sendable () -> JobQueue?

    /// `id` ended with `status`: releases or fails the jobs waiting for it.
    func ended(_ id: String, status: JobStatus) async {
        guard status.isTerminal else { return }
        var ended = [(id, status)]
        while let (job, outcome) = ended.popLast() {
            for dependent in groups.ended(job, status: outcome) {
                _ = await queue()?.takePending(dependent)
                let reason = "job \(job) it waits for ended \(outcome.rawValue)"
                let moved = (try? await store.transition(dependent, from: [.pending, .paused], to: .failed, RowChanges(error: .some(reason)))) ?? false
                guard moved else { continue }
                log.append(dependent, level: "ERROR", message: "job failed: \(reason)")
                log.hub.finish(dependent)
                waiters.wake(dependent)
                ended.append((dependent, .failed))
            }
        }
    }
}

/// The queue, for handlers created before it.
final class QueueReference: @unchecked Sendable {
    private let lock = NSLock()
    private var value: JobQueue?

    var queue: JobQueue? {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
