import Foundation
import GRDB
import Logging
import MarianneProtocol

/// Every job's ordered log: numbers entries (no gaps per run), hands them to followers at
/// once, and stores them in the registry in batches (one transaction for everything
/// appended while the previous batch was being written: group commit). Warnings and errors
/// also go to the conductor's log. A job's log is capped: past `maxEntriesPerJob` its oldest
/// entries are dropped (rotation).
final class JobLog: @unchecked Sendable {
    let registry: Registry
    let hub = JobLogHub()
    let logger: Logger
    let maxEntriesPerJob: Int

    private let lock = NSLock()
    private var seqs: [String: Int] = [:]
    private var pending: [LogWrite] = []
    private var flushing = false
    private var flushWaiters: [CheckedContinuation<Void, Never>] = []
    private var failedWrites = 0

    init(registry: Registry, logger: Logger, maxEntriesPerJob: Int = 100_000) {
        self.registry = registry
        self.logger = logger
        self.maxEntriesPerJob = max(100, maxEntriesPerJob)
    }

    /// Starts numbering a job's entries after `lastSeq` (0 for a fresh history).
    func begin(_ jobID: String, lastSeq: Int) {
        lock.withLock { seqs[jobID] = lastSeq }
    }

    /// Makes sure the job's numbering continues its stored log.
    func ensureBegun(_ jobID: String) async {
        if lock.withLock({ seqs[jobID] }) != nil { return }
        let last = (try? await registry.lastLogSeq(jobID)) ?? 0
        lock.withLock {
            if seqs[jobID] == nil { seqs[jobID] = last }
        }
    }

    /// How many jobs have a numbering in memory (one per job in the registry at most).
    var numberedJobs: Int { lock.withLock { seqs.count } }

    /// Forgets a job (deleted).
    func forget(_ jobID: String) {
        lock.withLock { _ = seqs.removeValue(forKey: jobID) }
    }

    /// Appends an entry; it is stored soon after (`flush` waits for it).
    @discardableResult
    func append(_ jobID: String, level: String, message: String, progress: SheetProgress? = nil) -> LogEntry {
        number(jobID, [(level, message)], progress: progress, pending: true)[0].entry
    }

    /// Numbers entries and hands them to followers, under the lock that numbers them: two
    /// threads appending at once (a sheet's stdout and stderr readers) must reach followers
    /// in number order, or a follower takes the later one for a gap and drops the earlier.
    /// `pending`: queued for the next batch; else the caller stores them. Either way a batch
    /// is queued on the write queue (if none is), so `flush` returns only after it.
    private func number(
        _ jobID: String, _ lines: [(level: String, message: String)], progress: SheetProgress? = nil, pending queue: Bool, restart: Bool = false
    ) -> [LogWrite] {
        let (written, startFlusher): ([LogWrite], Bool) = lock.withLock {
            if restart { seqs[jobID] = 0 }
            var written: [LogWrite] = []
            for line in lines {
                let seq = (seqs[jobID] ?? 0) + 1
                seqs[jobID] = seq
                let entry = LogEntry(seq: seq, timestamp: Date(), level: line.level.uppercased(), message: line.message)
                written.append(LogWrite(jobID: jobID, entry: entry, progress: progress))
                hub.publish(jobID, entry)
            }
            if queue { pending += written }
            let start = !flushing
            flushing = true
            return (written, start)
        }
        for item in written {
            let severity = Logger.Level(jobLevel: item.entry.level)
            if severity >= .warning {
                logger.log(level: severity, "\(item.entry.message)", metadata: ["job": "\(jobID)"])
            }
        }
        if startFlusher { registry.onWriteQueue { self.drain() } }
        return written
    }

    /// Makes a registry change in one transaction with the log: first the entries waiting to
    /// be stored (what the change must come after, such as the progress a runner reported),
    /// then the change, then the entries `then` gives for its result, numbered and stored with
    /// it (`restart`: numbered from 1, for a new job's fresh history). One commit instead of
    /// three. If the transaction fails, the waiting entries go back to wait for the next
    /// batch (the new ones, already shown to followers, are counted lost).
    func write<T: Sendable>(
        _ jobID: String, restart: Bool = false, _ change: @escaping @Sendable (Database) throws -> T,
        then entries: @escaping @Sendable (T) -> [(level: String, message: String)]
    ) async throws -> T {
        let keep = maxEntriesPerJob
        return try await registry.write { db in
            let waiting = self.take()
            let undo = Undo()
            // A rollback (the change threw, or the commit failed) gives the waiting entries back,
            // counts the new ones lost, and puts back the numbering a restart replaced.
            db.afterNextTransaction(onCommit: { _ in }, onRollback: { _ in
                let (written, restarted, previous) = undo.state
                self.lock.withLock {
                    self.pending = waiting + self.pending
                    self.failedWrites += written.count
                    if restarted { self.seqs[jobID] = previous }
                }
            })
            try Registry.write(waiting, keep: keep, db)
            let value = try change(db)
            let lines = entries(value)
            if !lines.isEmpty {
                let previous = restart ? self.lock.withLock { self.seqs[jobID] } : nil
                let written = self.number(jobID, lines, pending: false, restart: restart)
                undo.state = (written, restart, previous)
                try Registry.write(written, keep: keep, db)
            }
            return value
        }
    }

    /// What a rolled-back `write` must undo.
    private final class Undo: @unchecked Sendable {
        private let lock = NSLock()
        private var value: ([LogWrite], Bool, Int?) = ([], false, nil)
        var state: ([LogWrite], Bool, Int?) {
            get { lock.withLock { value } }
            set { lock.withLock { value = newValue } }
        }
    }

    private func take() -> [LogWrite] {
        lock.withLock {
            defer { pending = [] }
            return pending
        }
    }

    /// Entries waiting to be stored past which `appendBounded` waits.
    static let backlogLimit = 4096

    /// Appends like `append`, then waits while too many entries wait to be stored: a
    /// producer that can wait (a module's output) is slowed to the disk's pace instead of
    /// filling memory.
    func appendBounded(_ jobID: String, level: String, message: String) async {
        append(jobID, level: level, message: message)
        if lock.withLock({ pending.count }) > Self.backlogLimit { await flush() }
    }

    /// Waits until every entry appended so far is stored.
    func flush() async {
        await withCheckedContinuation { continuation in
            let done: Bool = lock.withLock {
                if !flushing { return true }
                flushWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Entries that could not be stored since start (a full or read-only disk).
    var lostEntries: Int { lock.withLock { failedWrites } }

    /// Stores what is pending as one batch, on the registry's write queue, then queues
    /// itself again behind the writes that came meanwhile while more is pending (a busy log
    /// never holds the queue); the batch that leaves nothing pending wakes those waiting in
    /// `flush`.
    private func drain() {
        let batch = take()
        if !batch.isEmpty {
            do {
                let keep = maxEntriesPerJob
                try registry.writeHere { db in try Registry.write(batch, keep: keep, db) }
            } catch {
                let first: Bool = lock.withLock {
                    failedWrites += batch.count
                    return failedWrites == batch.count
                }
                if first { logger.error("job log entries could not be stored", metadata: ["count": "\(batch.count)", "error": "\(error)"]) }
            }
        }
        let waiters: [CheckedContinuation<Void, Never>]? = lock.withLock {
            guard pending.isEmpty else { return nil }
            flushing = false
            defer { flushWaiters = [] }
            return flushWaiters
        }
        guard let waiters else {
            registry.onWriteQueue { self.drain() }
            return
        }
        for waiter in waiters { waiter.resume() }
    }
}

extension Logger.Level {
    init(jobLevel: String) {
        switch jobLevel.uppercased() {
        case "DEBUG": self = .debug
        case "WARNING", "WARN": self = .warning
        case "ERROR": self = .error
        case "CRITICAL": self = .critical
        default: self = .info
        }
    }
}
