import Foundation
import GRDB
import MarianneProtocol

/// One row of the `jobs` table.
struct JobRow: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "jobs"

    var id: String
    var kind: String
    var name: String
    var status: String
    var workspace: String
    var configPath: String?
    var checkpointPath: String?
    var pid: Int32?
    var createdAt: Double
    var startedAt: Double?
    var finishedAt: Double?
    var error: String?
    var currentSheet: Int?
    var completedSheets: Int
    var totalSheets: Int
    /// Monotonic submission order; newest first in listings, and the paging cursor.
    var seq: Int
    /// Process groups of the attempts in flight, comma-separated; a restarted conductor kills
    /// them even when the job's checkpoint cannot be read.
    var processGroups: String? = nil

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, kind, name, status, workspace, pid, error, seq
        case configPath = "config_path"
        case checkpointPath = "checkpoint_path"
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case currentSheet = "current_sheet"
        case completedSheets = "completed_sheets"
        case totalSheets = "total_sheets"
        case processGroups = "process_groups"
    }

    var jobStatus: JobStatus { JobStatus(rawValue: status) ?? .failed }

    func summary(queuePosition: Int? = nil) -> JobSummary {
        JobSummary(
            jobID: id, kind: kind, name: name, status: jobStatus, workspace: workspace, configPath: configPath,
            checkpointPath: checkpointPath, pid: pid, createdAt: Date(timeIntervalSince1970: createdAt),
            startedAt: startedAt.map(Date.init(timeIntervalSince1970:)),
            finishedAt: finishedAt.map(Date.init(timeIntervalSince1970:)), error: error, currentSheet: currentSheet,
            completedSheets: completedSheets, totalSheets: totalSheets, queuePosition: queuePosition
        )
    }
}

/// The conductor's SQLite registry (WAL): jobs, and later their logs and results.
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
        return migrator
    }

    /// The next submission sequence number.
    func nextSeq() throws -> Int {
        try pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM jobs") ?? 0) + 1
        }
    }

    /// Inserts or replaces the row with the same id.
    func save(_ row: JobRow) throws {
        try pool.write { db in try row.save(db) }
    }

    func job(_ id: String) throws -> JobRow? {
        try pool.read { db in try JobRow.fetchOne(db, key: id) }
    }

    /// Jobs whose status is one of `statuses`, oldest first.
    func jobs(withStatus statuses: [JobStatus]) throws -> [JobRow] {
        try pool.read { db in
            try JobRow.filter(statuses.map(\.rawValue).contains(JobRow.CodingKeys.status))
                .order(JobRow.CodingKeys.seq.asc)
                .fetchAll(db)
        }
    }

    /// Newest first, paged by `seq`.
    func list(statuses: [JobStatus]?, nameContains: String?, finishedAfter: Double?, limit: Int, before cursor: Int?) throws -> [JobRow] {
        try pool.read { db in
            var request = JobRow.all()
            if let statuses, !statuses.isEmpty {
                request = request.filter(statuses.map(\.rawValue).contains(JobRow.CodingKeys.status))
            }
            if let nameContains, !nameContains.isEmpty {
                request = request.filter(
                    JobRow.CodingKeys.id.like("%\(nameContains)%") || JobRow.CodingKeys.name.like("%\(nameContains)%")
                )
            }
            if let finishedAfter {
                let terminal = JobStatus.allCases.filter(\.isTerminal).map(\.rawValue)
                request = request.filter(
                    !terminal.contains(JobRow.CodingKeys.status) || JobRow.CodingKeys.finishedAt >= finishedAfter
                )
            }
            if let cursor {
                request = request.filter(JobRow.CodingKeys.seq < cursor)
            }
            return try request.order(JobRow.CodingKeys.seq.desc).limit(limit).fetchAll(db)
        }
    }

    func counts() throws -> [String: Int] {
        try pool.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM jobs GROUP BY status") {
                counts[row["status"]] = row["n"]
            }
            return counts
        }
    }

    func delete(_ id: String) throws -> Bool {
        let deleted = try pool.write { db in try JobRow.deleteOne(db, key: id) }
        try clearHistory([id])
        return deleted
    }

    /// Deletes terminal jobs matching the filter; returns their ids.
    func deleteTerminal(statuses: [JobStatus]?, finishedBefore: Double?) throws -> [String] {
        let terminal = JobStatus.allCases.filter(\.isTerminal)
        let chosen = (statuses ?? terminal).filter(\.isTerminal).map(\.rawValue)
        let removed = try pool.write { db in
            var request = JobRow.filter(chosen.contains(JobRow.CodingKeys.status))
            if let finishedBefore {
                request = request.filter(JobRow.CodingKeys.finishedAt < finishedBefore)
            }
            let ids = try String.fetchAll(db, request.select(JobRow.CodingKeys.id))
            _ = try request.deleteAll(db)
            return ids
        }
        try clearHistory(removed)
        return removed
    }
}

extension Registry {
    func setProcessGroups(_ id: String, _ groups: [Int32]) throws {
        let text = groups.isEmpty ? nil : groups.map(String.init).joined(separator: ",")
        try pool.write { db in
            try db.execute(sql: "UPDATE jobs SET process_groups = ? WHERE id = ?", arguments: [text, id])
        }
    }
}
