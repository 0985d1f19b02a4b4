import Foundation
import MarianneProtocol

/// Queue groups and what holds a queued job back, consulted by `JobQueue` each time it
/// dispatches: a group's parallelism (the `default` group's is `max_concurrent_jobs`, or
/// what `group.parallel` set since the start), the jobs a job waits for (`after`) and its
/// earliest start (`delay`). The registry keeps groups and each job's options; this is the
/// in-memory copy the queue reads without waiting.
final class JobGroups: @unchecked Sendable {
    static let defaultGroup = "default"
    /// Most parallelism a group may have.
    static let maxParallel = 10_000

    private let lock = NSLock()
    private var limits: [String: Int]
    private var groupOf: [String: String] = [:]
    private var waitingFor: [String: Set<String>] = [:]
    private var notBefore: [String: Date] = [:]

    init(defaultParallel: Int) {
        limits = [Self.defaultGroup: max(1, defaultParallel)]
    }

    // MARK: Groups

    func group(of id: String) -> String {
        lock.withLock { groupOf[id] ?? Self.defaultGroup }
    }

    func limit(of group: String) -> Int {
        lock.withLock { limits[group] ?? 1 }
    }

    func setLimit(_ group: String, _ parallel: Int) {
        lock.withLock { limits[group] = min(max(1, parallel), Self.maxParallel) }
    }

    func removeGroup(_ group: String) {
        lock.withLock { _ = limits.removeValue(forKey: group) }
    }

    var allLimits: [String: Int] { lock.withLock { limits } }

    /// Jobs known to be in `group` (queued or running).
    func members(of group: String) -> [String] {
        lock.withLock { groupOf.filter { $0.value == group }.map(\.key) }
    }

    // MARK: Holds

    /// Records how `id` queues. `after` holds only the jobs that have not completed yet.
    func register(_ id: String, group: String?, after: Set<String>, notBefore date: Date?) {
        lock.withLock {
            if let group, group != Self.defaultGroup { groupOf[id] = group } else { groupOf[id] = nil }
            if after.isEmpty { waitingFor[id] = nil } else { waitingFor[id] = after }
            notBefore[id] = date
        }
    }

    /// Whether the holds of `id` allow it to start at `now`.
    func isReady(_ id: String, now: Date) -> Bool {
        lock.withLock {
            if let waiting = waitingFor[id], !waiting.isEmpty { return false }
            if let date = notBefore[id], date > now { return false }
            return true
        }
    }

    /// The earliest start of a waiting job still in the future (when the queue must look again).
    func nextStart(now: Date) -> Date? {
        lock.withLock { notBefore.isEmpty ? nil : notBefore.values.filter { $0 > now }.min() }
    }

    /// True when no job is in another group than the default and none waits: the queue may
    /// then start its first job without looking further.
    var isSimple: Bool {
        lock.withLock { groupOf.isEmpty && waitingFor.isEmpty && notBefore.isEmpty }
    }

    /// `id` is starting: its start time has passed (its group stays until it ends).
    func started(_ id: String) {
        lock.withLock { _ = notBefore.removeValue(forKey: id) }
    }

    /// What `id` still waits for: the jobs and the start time.
    func holds(of id: String) -> (after: [String], notBefore: Date?) {
        lock.withLock { ((waitingFor[id] ?? []).sorted(), notBefore[id]) }
    }

    /// `id` ended with `status`. Jobs waiting for it stop waiting when it completed; when it
    /// ended otherwise they can never start, and are returned (to be failed).
    func ended(_ id: String, status: JobStatus) -> [String] {
        lock.withLock {
            groupOf[id] = nil
            waitingFor[id] = nil
            notBefore[id] = nil
            var doomed: [String] = []
            for (job, waiting) in waitingFor where waiting.contains(id) {
                if status == .completed {
                    waitingFor[job]?.remove(id)
                } else {
                    doomed.append(job)
                }
            }
            return doomed.sorted()
        }
    }

    /// Forgets a job that left the queue without ending (deleted, or paused before it started
    /// keeps its holds: only deletion calls this).
    func forget(_ id: String) {
        lock.withLock {
            groupOf[id] = nil
            waitingFor[id] = nil
            notBefore[id] = nil
        }
    }
}
