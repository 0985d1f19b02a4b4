import Foundation
import GRDB
import MarianneProtocol

/// How a job queues, as the `job_queue` table keeps it: its group, label, the jobs it waits
/// for, its earliest start, and the command line of a job made from one. Only jobs submitted
/// with one of these have a row.
struct JobQueueRow: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "job_queue"

    var jobID: String
    var groupName: String?
    var label: String?
    /// JSON array of job ids.
    var after: String?
    var notBefore: Double?
    var command: String?

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case label, after, command
        case jobID = "job_id"
        case groupName = "group_name"
        case notBefore = "not_before"
    }

    var afterIDs: [String] {
        guard let after, let ids = try? JSONDecoder().decode([String].self, from: Data(after.utf8)) else { return [] }
        return ids
    }
}

/// A queue group and its parallelism, as `job_groups` keeps it.
struct JobGroupRow: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "job_groups"

    var name: String
    var parallel: Int
}

/// Queue options, groups and running time in the registry.
extension Registry {
    static func registerQueueMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-queue-groups") { db in
            try db.execute(sql: """
                CREATE TABLE job_queue (
                    job_id TEXT PRIMARY KEY NOT NULL, group_name TEXT, label TEXT, after TEXT,
                    not_before REAL, command TEXT) WITHOUT ROWID;
                CREATE TABLE job_groups (name TEXT PRIMARY KEY NOT NULL, parallel INTEGER NOT NULL) WITHOUT ROWID;
                CREATE INDEX jobs_workspace ON jobs (workspace);
                """)
            try db.alter(table: "jobs") { t in t.add(column: "running_seconds", .double) }
        }
        // A submission asks which jobs that have not ended share its workspace: by workspace
        // alone that visited every ended job there too (all of them, when one score is
        // submitted again and again).
        migrator.registerMigration("v6-workspace-status-index") { db in
            try db.execute(sql: "DROP INDEX IF EXISTS jobs_workspace; CREATE INDEX jobs_workspace_status ON jobs (workspace, status)")
        }
    }

    /// The queue rows of `ids` (those that have one).
    func queueRows(_ ids: [String]) async throws -> [String: JobQueueRow] {
        guard !ids.isEmpty else { return [:] }
        return try await read { db in try Self.queueRows(ids, db) }
    }

    static func queueRows(_ ids: [String], _ db: Database) throws -> [String: JobQueueRow] {
        guard !ids.isEmpty else { return [:] }
        let rows = ids.count == 1
            ? try JobQueueRow.fetchAll(db.cachedStatement(sql: "SELECT * FROM job_queue WHERE job_id = ?"), arguments: [ids[0]])
            : try JobQueueRow.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM job_queue WHERE job_id IN (SELECT value FROM json_each(?))"), arguments: [jsonArray(ids)]
            )
        return Dictionary(rows.map { ($0.jobID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// `ids` as one JSON array, the argument of `json_each(?)`: a statement over any number of
    /// ids is prepared once and kept, where an `IN (?, ?, …)` list made one per count (a
    /// listing's page prepared two statements at each call).
    static func jsonArray(_ ids: [String]) -> String {
        var text: [UInt8] = [UInt8(ascii: "[")]
        for (index, id) in ids.enumerated() {
            if index > 0 { text.append(UInt8(ascii: ",")) }
            RequestEncoder.writeString(id, to: &text)
        }
        text.append(UInt8(ascii: "]"))
        return String(decoding: text, as: UTF8.self)
    }

    /// What listings add to jobs' rows, in one read: their queue options and the time each ran.
    func details(_ ids: [String]) async throws -> RowDetails {
        guard !ids.isEmpty else { return RowDetails() }
        return try await read { db in try Self.details(ids, db) }
    }

    static func details(_ ids: [String], _ db: Database) throws -> RowDetails {
        RowDetails(queue: try queueRows(ids, db), ran: try runningSeconds(ids, db))
    }

    /// Queue rows of the jobs that have not ended (to rebuild the queue's holds at start).
    func activeQueueRows() async throws -> [JobQueueRow] {
        let active = JobStatus.allCases.filter { !$0.isTerminal }.map(\.rawValue)
        return try await read { db in
            try JobQueueRow.fetchAll(db, sql: """
                SELECT q.* FROM job_queue q JOIN jobs j ON j.id = q.job_id
                WHERE j.status IN (\(active.map { _ in "?" }.joined(separator: ",")))
                """, arguments: StatementArguments(active))
        }
    }

    /// What a submission checks, in one read: the row the id has now, and the other jobs that
    /// have not ended and use `workspace`.
    static func submissionState(_ id: String, workspace: String, _ db: Database) throws -> (existing: JobRow?, sharing: [String]) {
        (try row(id, db), try activeJobs(db, inWorkspace: workspace, except: id))
    }

    /// Other jobs that have not ended and use `workspace` (at most ten).
    private static func activeJobs(_ db: Database, inWorkspace workspace: String, except id: String) throws -> [String] {
        let active = JobStatus.allCases.filter { !$0.isTerminal }.map(\.rawValue)
        return try String.fetchAll(db.cachedStatement(sql: """
            SELECT id FROM jobs WHERE workspace = ? AND id != ?
            AND status IN (\(active.map { _ in "?" }.joined(separator: ","))) ORDER BY seq LIMIT 10
            """), arguments: StatementArguments([workspace, id] + active))
    }

    static func runningSeconds(_ ids: [String], _ db: Database) throws -> [String: Double] {
        guard !ids.isEmpty else { return [:] }
        var found: [String: Double] = [:]
        let rows = ids.count == 1
            ? try Row.fetchAll(db.cachedStatement(sql: "SELECT id, running_seconds FROM jobs WHERE running_seconds IS NOT NULL AND id = ?"), arguments: [ids[0]])
            : try Row.fetchAll(
                db.cachedStatement(sql: "SELECT id, running_seconds FROM jobs WHERE running_seconds IS NOT NULL AND id IN (SELECT value FROM json_each(?))"),
                arguments: [jsonArray(ids)]
            )
        for row in rows { found[row["id"]] = row["running_seconds"] }
        return found
    }

    func groups() async throws -> [JobGroupRow] {
        try await read { db in try JobGroupRow.order(Column("name")).fetchAll(db) }
    }

    func saveGroup(_ group: JobGroupRow) async throws {
        try await write { db in try group.save(db) }
    }

    func deleteGroup(_ name: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM job_groups WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }
}
