import Foundation
import GRDB
import MarianneProtocol
import Synchronization

/// The conductor's SQLite registry (WAL): jobs, their logs and results. Every access goes
/// through `read` (on the blocking-I/O queue) or `write` (on the registry's write queue),
/// each with GRDB's synchronous API: the cooperative thread pool never blocks on SQLite.
final class Registry: Sendable {
    let pool: DatabasePool
    private let writes = DispatchQueue(label: "marianne.registry-writes")
    private let prelude = Prelude()
    /// What the transaction in progress asked to undo if it rolls back (`ifRolledBack`).
    private let undos = Mutex<[@Sendable () -> Void]>([])

    /// Work every `write` does first, in its own transaction.
    private final class Prelude: @unchecked Sendable {
        private let lock = NSLock()
        private var body: (@Sendable (Database) throws -> Void)?
        var value: (@Sendable (Database) throws -> Void)? {
            get { lock.withLock { body } }
            set { lock.withLock { body = newValue } }
        }
    }

    init(path: String) throws {
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // A small page cache per connection: the registry is small and hot.
            try db.execute(sql: "PRAGMA cache_size = -256")
        }
        config.maximumReaderCount = 2
        pool = try DatabasePool(path: path, configuration: config)
        try Self.migrator.migrate(pool)
        chmod(path, 0o600)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-jobs") { db in
            try db.create(table: "jobs") { t in
                t.primaryKey("id", .text)
                t.column("kind", .text).notNull()
                t.column("name", .text).notNull()
                t.column("status", .text).notNull()
                t.column("workspace", .text).notNull()
                t.column("config_path", .text)
                t.column("checkpoint_path", .text)
                t.column("pid", .integer)
                t.column("created_at", .double).notNull()
                t.column("started_at", .double)
                t.column("finished_at", .double)
                t.column("error", .text)
                t.column("current_sheet", .integer)
                t.column("completed_sheets", .integer).notNull().defaults(to: 0)
                t.column("total_sheets", .integer).notNull().defaults(to: 0)
                t.column("seq", .integer).notNull()
            }
            try db.create(index: "jobs_seq", on: "jobs", columns: ["seq"], unique: true)
            try db.create(index: "jobs_status_seq", on: "jobs", columns: ["status", "seq"])
            try db.create(index: "jobs_finished", on: "jobs", columns: ["finished_at"])
        }
        registerLogMigrations(&migrator)
        migrator.registerMigration("v3-process-groups") { db in
            try db.alter(table: "jobs") { t in t.add(column: "process_groups", .text) }
        }
        migrator.registerMigration("v4-snapshot-crashes") { db in
            try db.alter(table: "jobs") { t in
                t.add(column: "config_snapshot", .text)
                t.add(column: "crash_count", .integer).notNull().defaults(to: 0)
            }
        }
        registerQueueMigrations(&migrator)
        return migrator
    }

    /// Reads on the conductor's blocking-I/O queue through GRDB's synchronous API: one hop
    /// there and one back. GRDB's async API passed through its reader pool's queues, each a
    /// thread woken: a listing of one job cost 18 context switches in the conductor.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await OffPool.run { try self.readHere(body) }
    }

    /// The same read for a caller already on a blocking-I/O thread (never the cooperative pool).
    /// One read transaction, begun and ended by statements each connection prepares once:
    /// GRDB's `read` prepared its `BEGIN`, `COMMIT` and a schema-version query at every read.
    /// That query keeps GRDB's schema cache fresh, which no read here uses (SQLite itself
    /// prepares a statement again when the schema has changed).
    func readHere<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.unsafeRead { db in
            try db.cachedStatement(sql: "BEGIN DEFERRED TRANSACTION").execute()
            defer {
                do { try db.cachedStatement(sql: "COMMIT TRANSACTION").execute() } catch { Self.rollBack(db) }
            }
            return try body(db)
        }
    }

    /// Ends the transaction in progress, if any, without its changes.
    private static func rollBack(_ db: Database) {
        if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK TRANSACTION") }
    }

    /// Writes in a transaction, one at a time, on a queue of their own: a write waiting for
    /// SQLite's lock (or a WAL checkpoint's fsync) never holds a thread that reads need.
    /// The transaction begins with the prelude (`beginWritesWith`).
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let prelude = prelude.value
        return try await withCheckedThrowingContinuation { continuation in
            writes.async {
                continuation.resume(with: Result { try self.transaction(after: prelude, body) })
            }
        }
    }

    /// The same write for a caller already on a blocking-I/O thread (never the cooperative
    /// pool): it waits for the writes before it and runs in the caller's thread, so the
    /// writer's queue wakes no thread of its own.
    func writeBlocking<T>(_ body: (Database) throws -> T) throws -> T {
        let prelude = prelude.value
        return try writes.sync { try transaction(after: prelude, body) }
    }

    /// A transaction on the writer that runs `prelude` (as it was when the write was asked
    /// for) before `body`.
    private func transaction<T>(after prelude: (@Sendable (Database) throws -> Void)?, _ body: (Database) throws -> T) throws -> T {
        try transaction { db in
            try prelude?(db)
            return try body(db)
        }
    }

    /// One transaction on the writer; when it rolls back (its body threw or the commit
    /// failed), the undos its body registered run, in order, before the error is rethrown.
    /// GRDB's own `afterNextTransaction` registers a transaction observer, and adding or
    /// removing one drops every cached statement that can delete rows: each write then
    /// prepared its statements again.
    private func transaction<T>(_ body: (Database) throws -> T) throws -> T {
        undos.withLock { $0.removeAll() }
        do {
            // `BEGIN IMMEDIATE` and `COMMIT` prepared once per connection, where GRDB's `write`
            // prepared both at every transaction.
            let value = try pool.writeWithoutTransaction { db in
                try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
                do {
                    let value = try body(db)
                    try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
                    return value
                } catch {
                    Self.rollBack(db)
                    throw error
                }
            }
            undos.withLock { $0.removeAll() }
            return value
        } catch {
            let pending = undos.withLock { undos in
                defer { undos.removeAll() }
                return undos
            }
            for undo in pending { undo() }
            throw error
        }
    }

    /// Runs `undo` if the transaction in progress (a `write` or `writeHere`) rolls back.
    /// Only for the bodies of those writes.
    func ifRolledBack(_ undo: @escaping @Sendable () -> Void) {
        undos.withLock { $0.append(undo) }
    }

    /// Sets what every `write` does first, in its transaction: the job log stores the entries
    /// waiting for their batch, so a change is never stored ahead of what was logged before it.
    func beginWritesWith(_ body: @escaping @Sendable (Database) throws -> Void) {
        prelude.value = body
    }

    /// Runs `work` on the write queue, after the writes queued before it: for a writer that
    /// drains work of its own there (the job log), with `writeHere`, instead of hopping there
    /// and back for each batch.
    func onWriteQueue(_ work: @escaping @Sendable () -> Void) {
        writes.async(execute: work)
    }

    /// Runs `work` on the write queue once `delay` seconds have passed (at once for 0), by
    /// the conductor's timer thread: a dispatch timer would wake dispatch's own timer thread
    /// to arm it.
    func onWriteQueue(after delay: TimeInterval, _ work: @escaping @Sendable () -> Void) {
        guard delay > 0 else { return writes.async(execute: work) }
        DeadlineClock.shared.schedule(after: delay, on: writes, work)
    }

    /// A write for code running on the write queue (`onWriteQueue`).
    func writeHere<T>(_ body: (Database) throws -> T) throws -> T {
        dispatchPrecondition(condition: .onQueue(writes))
        return try transaction(body)
    }

    /// Whether the registry accepts writes (a read-only or full disk is reported at start).
    func checkWritable() async -> String? {
        do {
            try await write { db in try db.execute(sql: "CREATE TABLE IF NOT EXISTS write_probe (x INTEGER); DELETE FROM write_probe") }
            return nil
        } catch {
            return "\(error)"
        }
    }
}
