import Foundation
import GRDB
import MarianneProtocol

/// Job logs and results in the registry.
extension Registry {
    static func registerLogMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-logs-results") { db in
            try db.execute(sql: """
                CREATE TABLE job_logs (
                    job_id TEXT NOT NULL, seq INTEGER NOT NULL, ts REAL NOT NULL,
                    level TEXT NOT NULL, message TEXT NOT NULL,
                    PRIMARY KEY (job_id, seq)) WITHOUT ROWID;
                CREATE TABLE job_results (
                    job_id TEXT NOT NULL, seq INTEGER NOT NULL, ts REAL NOT NULL, data TEXT NOT NULL,
                    PRIMARY KEY (job_id, seq)) WITHOUT ROWID;
                """)
        }
    }

    func appendLog(_ jobID: String, _ entry: LogEntry) throws {
        try pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO job_logs (job_id, seq, ts, level, message) VALUES (?, ?, ?, ?, ?)",
                arguments: [jobID, entry.seq, entry.timestamp.timeIntervalSince1970, entry.level, entry.message]
            )
        }
    }

    /// One transaction for a sheet event: its log entry, the progress, the process groups.
    func record(_ jobID: String, entry: LogEntry, currentSheet: Int?, completedSheets: Int, processGroups: [Int32]) throws {
        let groups = processGroups.isEmpty ? nil : processGroups.map(String.init).joined(separator: ",")
        try pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO job_logs (job_id, seq, ts, level, message) VALUES (?, ?, ?, ?, ?)",
                arguments: [jobID, entry.seq, entry.timestamp.timeIntervalSince1970, entry.level, entry.message]
            )
            try db.execute(
                sql: "UPDATE jobs SET current_sheet = ?, completed_sheets = ?, process_groups = ? WHERE id = ?",
                arguments: [currentSheet, completedSheets, groups, jobID]
            )
        }
    }

    func lastLogSeq(_ jobID: String) throws -> Int {
        try pool.read { db in
            try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM job_logs WHERE job_id = ?", arguments: [jobID]) ?? 0
        }
    }

    /// Entries after `since`, at `minimumRank` or above; the last `tail` of them when given.
    func logs(_ jobID: String, since: Int, minimumRank: Int, tail: Int?) throws -> [LogEntry] {
        let levels = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"].filter { LogEntry.rank($0) >= minimumRank }
        let placeholders = levels.map { _ in "?" }.joined(separator: ",")
        var arguments: StatementArguments = [jobID, since]
        for level in levels { arguments += [level] }
        let sql: String
        if let tail {
            sql = """
                SELECT * FROM (SELECT seq, ts, level, message FROM job_logs
                WHERE job_id = ? AND seq > ? AND level IN (\(placeholders)) ORDER BY seq DESC LIMIT \(max(0, tail)))
                ORDER BY seq
                """
        } else {
            sql = "SELECT seq, ts, level, message FROM job_logs WHERE job_id = ? AND seq > ? AND level IN (\(placeholders)) ORDER BY seq"
        }
        return try pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                LogEntry(seq: row["seq"], timestamp: Date(timeIntervalSince1970: row["ts"]), level: row["level"], message: row["message"])
            }
        }
    }

    func appendResult(_ jobID: String, data: JSONValue) throws -> Int {
        let text = String(decoding: try JSONEncoder.wire.encode(data), as: UTF8.self)
        return try pool.write { db in
            let seq = (try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM job_results WHERE job_id = ?", arguments: [jobID]) ?? 0) + 1
            try db.execute(
                sql: "INSERT INTO job_results (job_id, seq, ts, data) VALUES (?, ?, ?, ?)",
                arguments: [jobID, seq, Date().timeIntervalSince1970, text]
            )
            return seq
        }
    }

    func results(_ jobID: String) throws -> [JobResultEntry] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, ts, data FROM job_results WHERE job_id = ? ORDER BY seq", arguments: [jobID]).map { row in
                let text: String = row["data"]
                let value = (try? JSONDecoder.wire.decode(JSONValue.self, from: Data(text.utf8))) ?? .string(text)
                return JobResultEntry(seq: row["seq"], timestamp: Date(timeIntervalSince1970: row["ts"]), data: value)
            }
        }
    }

    /// Forgets the logs and results of a job (a fresh run or a delete).
    func clearHistory(_ jobIDs: [String]) throws {
        guard !jobIDs.isEmpty else { return }
        try pool.write { db in
            for id in jobIDs {
                try db.execute(sql: "DELETE FROM job_logs WHERE job_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM job_results WHERE job_id = ?", arguments: [id])
            }
        }
    }
}
