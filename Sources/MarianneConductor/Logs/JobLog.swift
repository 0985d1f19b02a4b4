import Foundation
import GRDB
import Logging
import MarianneProtocol

/// Every job's ordered log: numbers entries (no gaps per run), hands them to followers at
/// once, and stores them in the registry in batches: a batch waits `linger` for more
/// entries, so the sheets of a fast score share one transaction instead of two each (group
/// commit), and a registry change made with `write` takes the waiting entries with it. A
/// reader of the stored log (`flush`) never waits for the linger: the batch is stored at
/// once. Warnings and errors also go to the conductor's log. A job's log is capped: past
/// `maxEntriesPerJob` its oldest entries are dropped (rotation).
final class JobLog: @unchecked Sendable {
    let registry: Registry
    let hub = JobLogHub()
    let logger: Logger
    let maxEntriesPerJob: Int
    /// How long a batch waits for more entries before it is stored.
    let linger: TimeInterval

    /// The conductor's linger: 20 ms, against about 4 ms a sheet of `true` takes.
    static let defaultLinger: TimeInterval = 0.02

    private let lock = NSLock()
    private var seqs: [String: Int] = [:]
    private var pending: [LogWrite] = []
    private var flushing = false
    /// A batch is waiting out the linger and no drain has been asked for sooner.
    private var lingering = false
    private var flushWaiters: [CheckedContinuation<Void, Never>] = []
    private var failedWrites = 0

    init(registry: Registry, logger: Logger, maxEntriesPerJob: Int = 100_000, linger: TimeInterval = JobLog.defaultLinger) {
        self.registry = registry
        self.logger = logger
        self.maxEntriesPerJob = max(100, maxEntriesPerJob)
        self.linger = max(0, linger)
        registry.beginWritesWith { [weak self] db in try self?.storeWaiting(db) }
    }

    /// Stores the entries waiting for their batch in the transaction of `db` (the registry
    /// runs this first in every write): a registry change never overtakes what was logged
    /// before it, linger or not. A rollback gives them back to wait for the next batch.
    private func storeWaiting(_ db: Database) throws {
        let waiting = take()
        guard !waiting.isEmpty else { return }
        registry.ifRolledBack { self.giveBack(waiting) }
        try Registry.write(waiting, keep: maxEntriesPerJob, db)
    }

    /// Puts entries a rolled-back transaction held back in front of those waiting, and makes
    /// sure a batch is queued for them.
    private func giveBack(_ entries: [LogWrite]) {
        let startFlusher: Bool = lock.withLock {
            pending = entries + pending
            let start = !flushing
            flushing = true
            return start
        }
        if startFlusher { registry.onWriteQueue { self.drain() } }
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
    /// is queued on the write queue after the linger (if none is), so `flush` returns only
    /// after it.
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
            if start { lingering = true }
            return (written, start)
        }
        for item in written {
            let severity = Logger.Level(jobLevel: item.entry.level)
            if severity >= .warning {
                logger.log(level: severity, "\(item.entry.message)", metadata: ["job": "\(jobID)"])
            }
        }
        if startFlusher { registry.onWriteQueue(after: linger) { self.drain() } }
        return written
    }

    /// Makes a registry change in one transaction with the log: first the entries waiting to
    /// be stored (what the change must come after, such as the progress a runner reported;
    /// every registry write stores them first), then the change, then the entries `then`
    /// gives for its result, numbered and stored with it (`restart`: numbered from 1, for a
    /// new job's fresh history). One commit instead of three. If the transaction fails, the
    /// waiting entries go back to wait for the next batch (the new ones, already shown to
    /// followers, are counted lost).
    func write<T: Sendable>(
        _ jobID: String, restart: Bool = false, _ change: @escaping @Sendable (Database) throws -> T,
        then entries: @escaping @Sendable (T) -> [(level: String, message: String)]
    ) async throws -> T {
        try await registry.write { db in try self.change(jobID, restart: restart, change, then: entries, db) }
    }

    /// The same write for a caller already on a blocking-I/O thread (`Registry.writeBlocking`).
    func writeBlocking<T>(
        _ jobID: String, restart: Bool = false, _ change: (Database) throws -> T, then entries: (T) -> [(level: String, message: String)]
    ) throws -> T {
        try registry.writeBlocking { db in try self.change(jobID, restart: restart, change, then: entries, db) }
    }

    /// The body of both: the change, then its entries, in the writer's transaction.
    private func change<T>(
        _ jobID: String, restart: Bool, _ change: (Database) throws -> T, then entries: (T) -> [(level: String, message: String)], _ db: Database
    ) throws -> T {
        let keep = maxEntriesPerJob
        let undo = Undo()
        // A rollback (the change threw, or the commit failed) counts the new entries lost
        // and puts back the numbering a restart replaced.
        registry.ifRolledBack {
            let (written, restarted, previous) = undo.state
            self.lock.withLock {
                self.failedWrites += written.count
                if restarted { self.seqs[jobID] = previous }
            }
        }
        let value = try change(db)
        let lines = entries(value)
        if !lines.isEmpty {
            let previous = restart ? lock.withLock { seqs[jobID] } : nil
            let written = number(jobID, lines, pending: false, restart: restart)
            undo.state = (written, restart, previous)
            try Registry.write(written, keep: keep, db)
        }
        return value
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

    /// Waits until every entry appended so far is stored; a batch waiting out the linger is
    /// stored at once.
    func flush() async {
        await withCheckedContinuation { continuation in
            let (done, hurry): (Bool, Bool) = lock.withLock {
                if !flushing { return (true, false) }
                flushWaiters.append(continuation)
                defer { lingering = false }
                return (false, lingering)
            }
            if done { continuation.resume() }
            if hurry { registry.onWriteQueue { self.drain() } }
        }
    }

    /// Entries that could not be stored since start (a full or read-only disk).
    var lostEntries: Int { lock.withLock { failedWrites } }

    /// Stores what is pending as one batch, on the registry's write queue, then queues
    /// itself again behind the writes that came meanwhile while more is pending (a busy log
    /// never holds the queue); the batch that leaves nothing pending wakes those waiting in
    /// `flush`. A drain left over from a linger that `flush` cut short finds nothing, or the
    /// next batch early: either is harmless, as some drain is always queued while entries wait.
    private func drain() {
        let batch: [LogWrite] = lock.withLock {
            lingering = false
            defer { pending = [] }
            return pending
        }
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
