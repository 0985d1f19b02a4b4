import Foundation
import GRDB
import MarianneProtocol

/// The conductor's SQLite registry (WAL): jobs, their logs and results. Every access goes
/// through GRDB's async API, which runs on GRDB's own queues: the cooperative thread pool
/// never blocks on SQLite.
final class Registry: Sendable {
    let pool: DatabasePool

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

    /// Whether the registry accepts writes (a read-only or full disk is reported at start).
    func checkWritable() async -> String? {
        do {
            try await pool.write { db in try db.execute(sql: "CREATE TABLE IF NOT EXISTS write_probe (x INTEGER); DELETE FROM write_probe") }
            return nil
        } catch {
            return "\(error)"
        }
    }
}
