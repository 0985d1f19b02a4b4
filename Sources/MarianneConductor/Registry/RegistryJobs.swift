import Foundation
import GRDB
import MarianneProtocol

/// The `jobs` table: rows are inserted whole once, then only changed by guarded updates
/// (`WHERE status IN (...)`), so a writer holding an old copy can never overwrite a newer state.
extension Registry {
    /// Inserts `row` (with the next submission number). An existing row with the same id is
    /// replaced only when it has ended; otherwise nothing changes and its status is returned.
    func insert(_ row: JobRow) async throws -> JobStatus? {
        try await write { db in try Self.insert(row, db) }
    }

    /// Inserts a new job's row in place of an ended one with its history; returns the status
    /// of a job with that id that has not ended (and changes nothing) instead.
    static func insert(_ row: JobRow, _ db: Database) throws -> JobStatus? {
        if let existing = try Self.row(row.id, db), !existing.jobStatus.isTerminal {
            return existing.jobStatus
        }
        var fresh = row
        fresh.seq = (try Int.fetchOne(db.cachedStatement(sql: "SELECT MAX(seq) FROM jobs")) ?? 0) + 1
        try fresh.insert(db, onConflict: .replace)
        try db.cachedStatement(sql: "DELETE FROM job_logs WHERE job_id = ?").execute(arguments: [row.id])
        try db.cachedStatement(sql: "DELETE FROM job_results WHERE job_id = ?").execute(arguments: [row.id])
        try db.cachedStatement(sql: "DELETE FROM job_queue WHERE job_id = ?").execute(arguments: [row.id])
        try db.cachedStatement(sql: "UPDATE jobs SET running_seconds = NULL WHERE id = ?").execute(arguments: [row.id])
        return nil
    }

    func job(_ id: String) async throws -> JobRow? {
        try await read { db in try Self.row(id, db) }
    }

    /// A job's row with what listings add to it, in one read.
    func jobWithDetails(_ id: String) async throws -> (row: JobRow, details: RowDetails)? {
        try await read { db in
            guard let row = try Self.row(id, db) else { return nil }
            return (row, try Self.details([id], db))
        }
    }

    /// One row by id, through a statement each connection prepares once (the query
    /// interface would build and prepare its SQL on every call).
    static func row(_ id: String, _ db: Database) throws -> JobRow? {
        try JobRow.fetchOne(db.cachedStatement(sql: "SELECT * FROM jobs WHERE id = ?"), arguments: [id])
    }

    /// Sets `status` (and `changes`) if the row's status is one of `from`; false when the
    /// row is gone or has moved on meanwhile.
    func transition(_ id: String, from: Set<JobStatus>, to status: JobStatus, _ changes: RowChanges = .none) async throws -> Bool {
        try await write { db in try Self.transition(id, from: from, to: status, changes, db) }
    }

    /// The same guarded transition in `db`'s transaction.
    static func transition(_ id: String, from: Set<JobStatus>, to status: JobStatus, _ changes: RowChanges, _ db: Database) throws -> Bool {
        var sets = ["status = ?"]
        var arguments: [(any DatabaseValueConvertible)?] = [status.rawValue]
        func set(_ assignment: String, _ value: (any DatabaseValueConvertible)??) {
            guard let value else { return }
            sets.append(assignment)
            arguments.append(value)
        }
        set("started_at = COALESCE(started_at, ?)", changes.startedAtIfUnset.map { $0 })
        set("finished_at = ?", changes.finishedAt.map { $0 })
        set("error = ?", changes.error.map { $0 })
        set("current_sheet = ?", changes.currentSheet.map { $0 })
        set("completed_sheets = ?", changes.completedSheets.map { $0 })
        set("total_sheets = ?", changes.totalSheets.map { $0 })
        set("pid = ?", changes.pid.map { $0 })
        set("config_snapshot = ?", changes.configSnapshot.map { $0 })
        set("crash_count = ?", changes.crashCount.map { $0 })
        set("running_seconds = ?", changes.runningSeconds.map { $0 })
        let allowed = from.map(\.rawValue).sorted()
        arguments.append(id)
        arguments.append(contentsOf: allowed.map { $0 as (any DatabaseValueConvertible)? })
        let sql = "UPDATE jobs SET \(sets.joined(separator: ", ")) WHERE id = ? AND status IN (\(allowed.map { _ in "?" }.joined(separator: ",")))"
        try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(arguments))
        return db.changesCount > 0
    }

    /// Jobs whose status is one of `statuses`, oldest first.
    func jobs(withStatus statuses: [JobStatus]) async throws -> [JobRow] {
        try await read { db in
            try JobRow.filter(statuses.map(\.rawValue).contains(JobRow.CodingKeys.status))
                .order(JobRow.CodingKeys.seq.asc)
                .fetchAll(db)
        }
    }

    /// A page of rows, newest first, paged by `seq`, with what listings add to the first
    /// `detailed` of them, in one read. The SQL depends only on which filters are given (and
    /// how many statuses), so each form is prepared once and kept.
    func listing(statuses: [JobStatus]?, nameContains: String?, finishedAfter: Double?, limit: Int, before cursor: Int?, detailed: Int) async throws -> (rows: [JobRow], details: RowDetails) {
        let (sql, arguments) = Self.listQuery(statuses: statuses, nameContains: nameContains, finishedAfter: finishedAfter, limit: limit, before: cursor)
        return try await read { db in
            let rows = try JobRow.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
            return (rows, try Self.details(rows.prefix(detailed).map(\.id), db))
        }
    }

    /// The SQL of a page of rows, newest first, and its arguments.
    private static func listQuery(statuses: [JobStatus]?, nameContains: String?, finishedAfter: Double?, limit: Int, before cursor: Int?) -> (String, StatementArguments) {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let statuses, !statuses.isEmpty {
            conditions.append("status IN (" + statuses.map { _ in "?" }.joined(separator: ",") + ")")
            arguments += statuses.map(\.rawValue)
        }
        if let nameContains, !nameContains.isEmpty {
            conditions.append("(id LIKE ? OR name LIKE ?)")
            arguments += ["%\(nameContains)%", "%\(nameContains)%"]
        }
        if let finishedAfter {
            conditions.append("(status NOT IN (\(Self.terminalList)) OR finished_at >= ?)")
            arguments.append(finishedAfter)
        }
        if let cursor {
            conditions.append("seq < ?")
            arguments.append(cursor)
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        arguments.append(limit)
        return ("SELECT * FROM jobs\(filter) ORDER BY seq DESC LIMIT ?", StatementArguments(arguments))
    }

    /// The terminal statuses as SQL literals (fixed words, never user input).
    private static let terminalList = JobStatus.allCases.filter(\.isTerminal).map { "'\($0.rawValue)'" }.joined(separator: ",")

    func counts() async throws -> [String: Int] {
        try await read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM jobs GROUP BY status") {
                counts[row["status"]] = row["n"]
            }
            return counts
        }
    }

    /// Deletes a job that has ended, with its history; false when it is unknown or not ended.
    func deleteTerminal(_ id: String) async throws -> Bool {
        let terminal = JobStatus.allCases.filter(\.isTerminal).map(\.rawValue)
        return try await write { db in
            try db.execute(
                sql: "DELETE FROM jobs WHERE id = ? AND status IN (\(terminal.map { _ in "?" }.joined(separator: ",")))",
                arguments: StatementArguments([id] + terminal)
            )
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "DELETE FROM job_logs WHERE job_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM job_results WHERE job_id = ?", arguments: [id])
            return true
        }
    }

    /// Deletes terminal jobs matching the filter, with their history; returns their ids.
    func deleteTerminal(statuses: [JobStatus]?, finishedBefore: Double?) async throws -> [String] {
        let terminal = JobStatus.allCases.filter(\.isTerminal)
        let chosen = (statuses ?? terminal).filter(\.isTerminal).map(\.rawValue)
        return try await write { db in
            var request = JobRow.filter(chosen.contains(JobRow.CodingKeys.status))
            if let finishedBefore {
                request = request.filter(JobRow.CodingKeys.finishedAt < finishedBefore)
            }
            let ids = try String.fetchAll(db, request.select(JobRow.CodingKeys.id))
            _ = try request.deleteAll(db)
            for id in ids {
                try db.execute(sql: "DELETE FROM job_logs WHERE job_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM job_results WHERE job_id = ?", arguments: [id])
            }
            return ids
        }
    }
}
