import Foundation
import GRDB
import Logging
import MarianneProtocol
import MarianneTestSupport
import Synchronization
import Testing
@testable import MarianneConductor

struct RegistryTests {
    func row(_ id: String, status: JobStatus = .pending) -> JobRow {
        JobRow(
            id: id, kind: "score", name: id, status: status.rawValue, workspace: "/ws/\(id)", configPath: nil,
            checkpointPath: nil, pid: nil, createdAt: 0, startedAt: nil, finishedAt: nil, error: nil, currentSheet: nil,
            completedSheets: 0, totalSheets: 3, seq: 0, configSnapshot: "name: \(id)"
        )
    }

    func registry(_ dir: TemporaryDirectory) throws -> Registry {
        try Registry(path: dir.file("registry.sqlite"))
    }

    @Test func anActiveIDIsNeverReplacedAndAnEndedOneIsWithItsHistory() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let registry = try registry(dir)
        #expect(try await registry.insert(row("a")) == nil)
        #expect(try await registry.insert(row("a")) == .pending)
        let entry = LogEntry(seq: 1, timestamp: Date(), level: "INFO", message: "first run")
        try await registry.write([LogWrite(jobID: "a", entry: entry, progress: nil)])
        #expect(try await registry.transition("a", from: [.pending], to: .completed))
        #expect(try await registry.insert(row("a")) == nil)
        #expect(try await registry.lastLogSeq("a") == 0)
        #expect(try await registry.job("a")?.seq == 2)
    }

    /// What a write asks to undo runs when its transaction rolls back, and only then.
    @Test func undosRunWhenAWriteRollsBackAndNotWhenItCommits() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let registry = try registry(dir)
        let undone = Mutex<[String]>([])
        try await registry.write { db in
            registry.ifRolledBack { undone.withLock { $0.append("committed") } }
            try db.execute(sql: "UPDATE jobs SET name = name")
        }
        await #expect(throws: (any Error).self) {
            try await registry.write { db in
                registry.ifRolledBack { undone.withLock { $0.append("first") } }
                registry.ifRolledBack { undone.withLock { $0.append("second") } }
                try db.execute(sql: "INSERT INTO no_such_table VALUES (1)")
            }
        }
        try await registry.write { db in try db.execute(sql: "UPDATE jobs SET name = name") }
        #expect(undone.withLock { $0 } == ["first", "second"])
    }

    /// Every field of a row comes back as it was written.
    @Test func aRowReadsBackAsItWasWritten() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let registry = try registry(dir)
        var full = JobRow(
            id: "full", kind: "module", name: "a name", status: JobStatus.running.rawValue, workspace: "/ws/full", configPath: "/scores/full.yaml",
            checkpointPath: "/ws/full/.marianne/checkpoint-full.json", pid: 4321, createdAt: 1.5, startedAt: 2.25, finishedAt: 3.125, error: "it broke",
            currentSheet: 7, completedSheets: 6, totalSheets: 9, seq: 0, processGroups: "[12,13]", configSnapshot: "name: full", crashCount: 2
        )
        #expect(try await registry.insert(full) == nil)
        full.seq = 1
        #expect(try await registry.job("full") == full)
        let sparse = row("sparse")
        #expect(try await registry.insert(sparse) == nil)
        var stored = sparse
        stored.seq = 2
        #expect(try await registry.job("sparse") == stored)
        #expect(try await registry.jobs(withStatus: [.running, .pending]).map(\.id) == ["full", "sparse"])
    }

    /// The jobs that have not ended and share a submission's workspace are found through the
    /// index on workspace and status, never by visiting the ended jobs there.
    @Test func theJobsSharingAWorkspaceAreFoundByItsIndex() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let registry = try registry(dir)
        for id in ["a", "b", "c"] {
            var shared = row(id)
            shared.workspace = "/ws/shared"
            _ = try await registry.insert(shared)
        }
        _ = try await registry.transition("a", from: [.pending], to: .completed)
        let state = try await registry.read { db in try Registry.submissionState("d", workspace: "/ws/shared", db) }
        #expect(state.existing == nil)
        #expect(state.sharing == ["b", "c"])
        let plan = try await registry.read { db in
            try Row.fetchAll(db, sql: """
                EXPLAIN QUERY PLAN SELECT id FROM jobs WHERE workspace = ? AND id != ?
                AND status IN ('pending', 'running') ORDER BY seq LIMIT 10
                """, arguments: ["/ws/shared", "d"]).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("jobs_workspace_status (workspace=? AND status=?)") }, "\(plan)")
    }

    @Test func aTransitionFromAStateTheRowHasLeftChangesNothing() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let registry = try registry(dir)
        _ = try await registry.insert(row("b"))
        #expect(try await registry.transition("b", from: [.pending], to: .running, RowChanges(startedAtIfUnset: 10)))
        #expect(try await registry.transition("b", from: [.running], to: .completed, RowChanges(finishedAt: .some(20), error: .some(nil))))
        // A stale writer that still believes the job is running cannot undo the end.
        #expect(try await registry.transition("b", from: [.running], to: .paused) == false)
        let stored = try #require(try await registry.job("b"))
        #expect(stored.jobStatus == .completed)
        #expect(stored.startedAt == 10)
        #expect(stored.finishedAt == 20)
        // started_at keeps its first value.
        #expect(try await registry.transition("b", from: [.completed], to: .pending, RowChanges(startedAtIfUnset: 99)))
        #expect(try await registry.job("b")?.startedAt == 10)
        #expect(try await registry.transition("nosuch", from: [.pending], to: .running) == false)
    }

    /// The time a job ran is written with its final status, in the same statement.
    @Test func theEndOfARunKeepsTheTimeItRan() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let registry = try registry(dir)
        _ = try await registry.insert(row("t", status: .running))
        #expect(try await registry.transition("t", from: [.running], to: .completed, RowChanges(runningSeconds: 12.5)))
        #expect(try await registry.details(["t"]).ran == ["t": 12.5])
        #expect(try await registry.details(["t", "nosuch"]).ran == ["t": 12.5])
    }

    /// A page's details come in one statement however many jobs it holds, whatever their ids.
    @Test func theDetailsOfManyJobsAreEachTheirOwn() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let registry = try registry(dir)
        let ids = ["plain", "with \"quotes\" and \\", "é-ü", "[1]", "a,b"]
        for (n, id) in ids.enumerated() {
            _ = try await registry.insert(row(id, status: .running))
            #expect(try await registry.transition(id, from: [.running], to: .completed, RowChanges(runningSeconds: Double(n) + 0.5)))
            if n.isMultiple(of: 2) {
                let queued = JobQueueRow(jobID: id, groupName: "g\(n)", label: "label \(id)", after: nil, notBefore: nil, command: nil)
                try await registry.write { db in try queued.save(db) }
            }
        }
        for count in [2, 3, 5] {
            let asked = Array(ids.prefix(count)) + ["nosuch"]
            let details = try await registry.details(asked)
            #expect(details.ran == Dictionary(uniqueKeysWithValues: ids.prefix(count).enumerated().map { ($1, Double($0) + 0.5) }))
            #expect(details.queue.mapValues(\.groupName) == Dictionary(uniqueKeysWithValues: ids.prefix(count).enumerated().filter { $0.offset.isMultiple(of: 2) }.map { ($1, "g\($0)") }))
        }
    }

    /// The periodic cleanup removes old finished jobs and says which, so what the conductor
    /// keeps in memory per job (its log numbering) goes with them.
    @Test func theCleanupForgetsTheJobsItRemoves() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let registry = try registry(dir)
        let log = JobLog(registry: registry, logger: Logger(label: "test"))
        for id in ["old", "active"] {
            _ = try await registry.insert(row(id))
            log.begin(id, lastSeq: 0)
            log.append(id, level: "INFO", message: "queued")
        }
        #expect(try await registry.transition("old", from: [.pending], to: .completed, RowChanges(finishedAt: .some(1))))
        await log.flush()
        let reported = Reported()
        let maintenance = Maintenance(registry: registry, cleanupAge: 60, logger: Logger(label: "test")) { ids in
            reported.add(ids)
            for id in ids { log.forget(id) }
        }
        maintenance.start()
        defer { maintenance.stop() }
        try await Poll.until(timeout: 60) { !reported.ids.isEmpty }
        #expect(reported.ids == ["old"])
        #expect(log.numberedJobs == 1)
        #expect(try await registry.job("old") == nil)
        #expect(try await registry.job("active") != nil)
    }

    @Test func logBatchesStoreEntriesAndProgressTogether() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let registry = try registry(dir)
        _ = try await registry.insert(row("c"))
        let batch = (1...5).map { LogWrite(jobID: "c", entry: LogEntry(seq: $0, timestamp: Date(), level: $0 == 3 ? "ERROR" : "INFO", message: "m\($0)"), progress: SheetProgress(currentSheet: $0, completedSheets: $0 - 1)) }
        try await registry.write(batch)
        #expect(try await registry.lastLogSeq("c") == 5)
        #expect(try await registry.job("c")?.completedSheets == 4)
        #expect(try await registry.logs("c", since: 1, minimumRank: 0, tail: 2).map(\.seq) == [4, 5])
        #expect(try await registry.logs("c", since: 0, minimumRank: LogEntry.rank("ERROR"), tail: nil).map(\.message) == ["m3"])
        // Past the cap, a batch rotates the oldest entries out.
        try await registry.write([LogWrite(jobID: "c", entry: LogEntry(seq: 6, timestamp: Date(), level: "INFO", message: "m6"), progress: nil)], keep: 2)
        #expect(try await registry.logs("c", since: 0, minimumRank: 0, tail: nil).map(\.seq) == [5, 6])
    }

    @Test func listingPagesNewestFirstAndDeletingTakesOnlyEndedJobs() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let registry = try registry(dir)
        for id in ["j1", "j2", "j3"] { _ = try await registry.insert(row(id)) }
        _ = try await registry.transition("j1", from: [.pending], to: .failed, RowChanges(finishedAt: .some(5)))
        let first = try await registry.listing(statuses: nil, nameContains: nil, finishedAfter: nil, limit: 2, before: nil, detailed: 0).rows
        #expect(first.map(\.id) == ["j3", "j2"])
        let next = try await registry.listing(statuses: nil, nameContains: nil, finishedAfter: nil, limit: 2, before: first.last?.seq, detailed: 0).rows
        #expect(next.map(\.id) == ["j1"])
        #expect(try await registry.deleteTerminal("j2") == false)
        #expect(try await registry.deleteTerminal("j1"))
        #expect(try await registry.counts() == ["pending": 2])
        #expect(try await registry.deleteTerminal(statuses: nil, finishedBefore: nil).isEmpty)
    }
}

extension RegistryTests {
    @Test func listingFiltersByStatusNameAndRecentEnd() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let registry = try registry(dir)
        for id in ["build-a", "build-b", "test-c", "old-d"] { _ = try await registry.insert(row(id)) }
        _ = try await registry.transition("build-b", from: [.pending], to: .failed, RowChanges(finishedAt: .some(1_000)))
        _ = try await registry.transition("old-d", from: [.pending], to: .completed, RowChanges(finishedAt: .some(10)))
        func ids(_ statuses: [JobStatus]? = nil, name: String? = nil, after: Double? = nil) async throws -> [String] {
            try await registry.listing(statuses: statuses, nameContains: name, finishedAfter: after, limit: 10, before: nil, detailed: 0).rows.map(\.id)
        }
        #expect(try await ids() == ["old-d", "test-c", "build-b", "build-a"])
        #expect(try await ids([.failed, .completed]) == ["old-d", "build-b"])
        #expect(try await ids(name: "build") == ["build-b", "build-a"])
        #expect(try await ids([.pending], name: "build") == ["build-a"])
        // Recent: every job not ended, and ended ones only from that time on.
        #expect(try await ids(after: 500) == ["test-c", "build-b", "build-a"])
        #expect(try await ids(after: 5_000) == ["test-c", "build-a"])
        #expect(try await registry.listing(statuses: nil, nameContains: nil, finishedAfter: nil, limit: 1, before: nil, detailed: 0).rows.map(\.id) == ["old-d"])
    }
}

/// Ids a callback was given, from any thread.
final class Reported: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [String] = []
    var ids: [String] { lock.withLock { collected } }
    func add(_ ids: [String]) { lock.withLock { collected += ids } }
}
