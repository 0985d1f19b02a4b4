import Foundation
import GRDB
import Logging
import MarianneCore
import MarianneProtocol
import MarianneTestSupport
import Testing
@testable import MarianneConductor

/// A follower of a job's log gets every entry in number order, however many threads append
/// at once (a sheet's stdout and stderr readers do).
struct JobLogTests {
    @Test func concurrentAppendersReachAFollowerInOrder() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let log = JobLog(registry: try Registry(path: dir.file("registry.sqlite")), logger: Logger(label: "test"))
        let count = 4000
        let stream = log.hub.follow("job", capacity: count + 10)
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for i in 0..<(count / 4) { log.append("job", level: "INFO", message: "\(thread)-\(i)") }
        }
        log.hub.finish("job")
        var seqs: [Int] = []
        for await entry in stream { seqs.append(entry.seq) }
        #expect(seqs == Array(1...count))
        await log.flush()
    }

    /// Entries appended before a registry write are stored when it returns: the log's batch
    /// is queued on the registry's write queue as the first entry comes, ahead of the write.
    @Test func entriesAppendedBeforeAWriteAreStoredWhenItReturns() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let registry = try Registry(path: dir.file("registry.sqlite"))
        let log = JobLog(registry: registry, logger: Logger(label: "test"))
        let row = JobRow(
            id: "j", kind: "score", name: "j", status: "pending", workspace: "/ws/j", configPath: nil, checkpointPath: nil, pid: nil,
            createdAt: 0, startedAt: nil, finishedAt: nil, error: nil, currentSheet: nil, completedSheets: 0, totalSheets: 1, seq: 0,
            configSnapshot: "name: j"
        )
        _ = try await registry.insert(row)
        log.begin("j", lastSeq: 0)
        for round in 1...50 {
            log.append("j", level: "INFO", message: "before \(round)")
            _ = try await registry.transition("j", from: [.pending, .running], to: round.isMultiple(of: 2) ? .pending : .running)
            #expect(try await registry.lastLogSeq("j") == round)
        }
        await log.flush()
    }

    func pendingRow(_ id: String) -> JobRow {
        JobRow(
            id: id, kind: "score", name: id, status: "pending", workspace: "/ws/\(id)", configPath: nil, checkpointPath: nil, pid: nil,
            createdAt: 0, startedAt: nil, finishedAt: nil, error: nil, currentSheet: nil, completedSheets: 0, totalSheets: 1, seq: 0,
            configSnapshot: "name: \(id)"
        )
    }

    /// A change written with the log: the entries waiting first, then the change, then its own
    /// entries, all stored when it returns and shown to followers in number order.
    @Test func aChangeIsStoredWithTheEntriesBeforeAndAfterIt() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let registry = try Registry(path: dir.file("registry.sqlite"))
        let log = JobLog(registry: registry, logger: Logger(label: "test"))
        _ = try await registry.insert(pendingRow("k"))
        log.begin("k", lastSeq: 0)
        let stream = log.hub.follow("k", capacity: 10)
        log.append("k", level: "INFO", message: "progress", progress: SheetProgress(currentSheet: 1, completedSheets: 1))
        let moved = try await JobStore(registry: registry).transition("k", from: [.pending], to: .completed, log: log) { moved in
            [(level: "INFO", message: moved ? "job completed" : "nothing")]
        }
        #expect(moved)
        let stored = try await registry.logs("k", since: 0, minimumRank: 0, tail: nil)
        #expect(stored.map(\.message) == ["progress", "job completed"])
        #expect(try await registry.job("k")?.completedSheets == 1)
        log.hub.finish("k")
        var seen: [String] = []
        for await entry in stream { seen.append(entry.message) }
        #expect(seen == ["progress", "job completed"])
    }

    /// A change that fails gives the waiting entries back: the next batch stores them.
    @Test func aFailedChangeLosesNoWaitingEntry() async throws {
        struct Refused: Error {}
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let registry = try Registry(path: dir.file("registry.sqlite"))
        let log = JobLog(registry: registry, logger: Logger(label: "test"))
        _ = try await registry.insert(pendingRow("f"))
        log.begin("f", lastSeq: 0)
        for i in 1...3 { log.append("f", level: "INFO", message: "m\(i)") }
        await #expect(throws: Refused.self) {
            try await log.write("f", { _ in throw Refused() }, then: { (_: Void) in [(level: "INFO", message: "never")] })
        }
        await log.flush()
        #expect(try await registry.logs("f", since: 0, minimumRank: 0, tail: nil).map(\.message) == ["m1", "m2", "m3"])
    }

    /// A submission refused for an active id leaves that job's numbering alone; an accepted
    /// one starts its history at 1 in the transaction that creates it.
    @Test func aNewJobsFirstEntriesStartItsHistoryAndARefusalChangesNothing() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let registry = try Registry(path: dir.file("registry.sqlite"))
        let log = JobLog(registry: registry, logger: Logger(label: "test"))
        let store = JobStore(registry: registry)
        let workspace = dir.file("ws")
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        var row = pendingRow("n")
        row.workspace = workspace
        let checkpoint = JobCheckpoint(jobID: "n", name: "n", configHash: "", configSnapshot: "name: n", configPath: nil, workspace: workspace, totalSheets: 1, sheets: [SheetState(number: 1)])
        try await store.create(row, checkpoint: checkpoint, log: log, entries: [(level: "INFO", message: "job queued (1 sheet)")])
        log.append("n", level: "INFO", message: "second")
        await #expect(throws: JobError.self) {
            try await store.create(row, checkpoint: checkpoint, log: log, entries: [(level: "INFO", message: "job queued again")])
        }
        log.append("n", level: "INFO", message: "third")
        await log.flush()
        let stored = try await registry.logs("n", since: 0, minimumRank: 0, tail: nil)
        #expect(stored.map(\.seq) == [1, 2, 3])
        #expect(stored.map(\.message) == ["job queued (1 sheet)", "second", "third"])
    }

    /// A new job's creation that rolls back after its first entries were numbered leaves the
    /// numbering of the job of that id as it was: its next entry follows its stored log.
    @Test func aRolledBackRestartKeepsTheOldNumbering() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let registry = try Registry(path: dir.file("registry.sqlite"))
        let log = JobLog(registry: registry, logger: Logger(label: "test"))
        _ = try await registry.insert(pendingRow("r"))
        log.begin("r", lastSeq: 0)
        for i in 1...5 { log.append("r", level: "INFO", message: "old \(i)") }
        await log.flush()
        // The change succeeds, then storing its entries fails (the table is gone, inside the
        // transaction): everything rolls back.
        await #expect(throws: (any Error).self) {
            try await log.write("r", restart: true, { db in try db.execute(sql: "DROP TABLE job_logs") }, then: { _ in [(level: "INFO", message: "new 1")] })
        }
        log.append("r", level: "INFO", message: "old 6")
        await log.flush()
        #expect(try await registry.lastLogSeq("r") == 6)
    }
}

/// A batch waits out the linger for more entries, so a fast score's sheets share one
/// transaction; a reader's flush never waits for it.
struct JobLogLingerTests {
    /// Counts the registry's commits.
    final class Commits: TransactionObserver, @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        var value: Int { lock.withLock { count } }
        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
        func databaseDidChange(with event: DatabaseEvent) {}
        func databaseDidCommit(_ db: Database) { lock.withLock { count += 1 } }
        func databaseDidRollback(_ db: Database) {}
    }

    @Test func entriesWithinTheLingerShareOneTransactionAndFlushDoesNotWait() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let registry = try Registry(path: dir.file("registry.sqlite"))
        let commits = Commits()
        registry.pool.add(transactionObserver: commits, extent: .observerLifetime)
        let log = JobLog(registry: registry, logger: Logger(label: "test"), linger: 3600)
        log.begin("j", lastSeq: 0)
        for i in 1...5 { log.append("j", level: "INFO", message: "sheet \(i) completed") }
        #expect(try await registry.lastLogSeq("j") == 0, "nothing is stored before the linger ends or a reader flushes")
        let start = ContinuousClock.now
        await log.flush()
        #expect(ContinuousClock.now - start < .seconds(600))
        #expect(try await registry.lastLogSeq("j") == 5)
        #expect(commits.value == 1)
        // The next entries start a batch of their own.
        log.append("j", level: "INFO", message: "job completed")
        await log.flush()
        #expect(try await registry.lastLogSeq("j") == 6)
        #expect(commits.value == 2)
    }

    /// Nobody flushing: the batch is stored once the linger has passed.
    @Test func aBatchIsStoredAfterTheLingerWithoutAFlush() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let registry = try Registry(path: dir.file("registry.sqlite"))
        let log = JobLog(registry: registry, logger: Logger(label: "test"), linger: 0.05)
        log.begin("j", lastSeq: 0)
        log.append("j", level: "INFO", message: "sheet 1 started")
        let deadline = ContinuousClock.now + .seconds(30)
        var stored = 0
        while stored == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
            stored = try await registry.lastLogSeq("j")
        }
        #expect(stored == 1)
    }
}
