import Foundation
import GRDB
import MarianneProtocol

/// Where a score job stands, as listings show it.
struct SheetProgress: Sendable, Equatable {
    var currentSheet: Int?
    var completedSheets: Int
}

/// One log entry to store, with the progress it reports (if any).
struct LogWrite: Sendable {
    var jobID: String
    var entry: LogEntry
    var progress: SheetProgress?
}

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

    /// Stores a batch of entries (several jobs mixed) and their progress in one transaction.
    /// A job whose log passes `keep` entries loses its oldest ones in the same transaction.
    func write(_ batch: [LogWrite], keep: Int = .max) async throws {
        guard !batch.isEmpty else { return }
        try await write { db in try Self.write(batch, keep: keep, db) }
    }

    /// Stores a batch in `db`'s transaction (see `write(_:keep:)`).
    static func write(_ batch: [LogWrite], keep: Int, _ db: Database) throws {
        var last: [String: Int] = [:]
        for item in batch { last[item.jobID] = max(last[item.jobID] ?? 0, item.entry.seq) }
        let overflowing = last.filter { $0.value > keep }
        let insert = try db.cachedStatement(sql: "INSERT OR REPLACE INTO job_logs (job_id, seq, ts, level, message) VALUES (?, ?, ?, ?, ?)")
        let progress = try db.cachedStatement(sql: "UPDATE jobs SET current_sheet = ?, completed_sheets = ? WHERE id = ?")
        for item in batch {
            try insert.execute(arguments: [item.jobID, item.entry.seq, item.entry.timestamp.timeIntervalSince1970, item.entry.level, item.entry.message])
            if let update = item.progress {
                try progress.execute(arguments: [update.currentSheet, update.completedSheets, item.jobID])
            }
        }
        for (jobID, seq) in overflowing {
            try db.execute(sql: "DELETE FROM job_logs WHERE job_id = ? AND seq <= ?", arguments: [jobID, seq - keep])
        }
    }

    func lastLogSeq(_ jobID: String) async throws -> Int {
        try await read { db in
            try Int.fetchOne(db.cachedStatement(sql: "SELECT MAX(seq) FROM job_logs WHERE job_id = ?"), arguments: [jobID]) ?? 0
        }
    }

    /// Entries after `since`, at `minimumRank` or above; the last `tail` of them when given.
    func logs(_ jobID: String, since: Int, minimumRank: Int, tail: Int?) async throws -> [LogEntry] {
        let levels = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"].filter { LogEntry.rank($0) >= minimumRank }
        let placeholders = levels.map { _ in "?" }.joined(separator: ",")
        var collected: StatementArguments = [jobID, since]
        for level in levels { collected += [level] }
        let arguments = collected
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
        return try await read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                LogEntry(seq: row["seq"], timestamp: Date(timeIntervalSince1970: row["ts"]), level: row["level"], message: row["message"])
            }
        }
    }

    func appendResult(_ jobID: String, data: JSONValue) async throws -> Int {
        let text = String(decoding: try JSONEncoder.wire.encode(data), as: UTF8.self)
        return try await write { db in
            let seq = (try Int.fetchOne(db.cachedStatement(sql: "SELECT MAX(seq) FROM job_results WHERE job_id = ?"), arguments: [jobID]) ?? 0) + 1
            try db.cachedStatement(sql: "INSERT INTO job_results (job_id, seq, ts, data) VALUES (?, ?, ?, ?)")
                .execute(arguments: [jobID, seq, Date().timeIntervalSince1970, text])
            return seq
        }
    }

    func results(_ jobID: String) async throws -> [JobResultEntry] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT seq, ts, data FROM job_results WHERE job_id = ? ORDER BY seq", arguments: [jobID]).map { row in
                let text: String = row["data"]
                let value = (try? JSONDecoder.wire.decode(JSONValue.self, from: Data(text.utf8))) ?? .string(text)
                return JobResultEntry(seq: row["seq"], timestamp: Date(timeIntervalSince1970: row["ts"]), data: value)
            }
        }
    }
}
