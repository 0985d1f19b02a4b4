import Foundation
import MarianneProtocol

/// Sheet attempts as a job's log records them (`sheet N started (attempt K)`, then
/// `sheet N completed (attempt K, ...)` or `sheet N attempt K failed: REASON`): what
/// `mzt history` tabulates and `mzt errors` lists.
struct AttemptRecord: Codable, Sendable, Equatable {
    var sheet: Int
    var attempt: Int
    var startedAt: Date?
    var finishedAt: Date?
    /// `completed`, `failed`, `rate_limited` or `running` (no end recorded yet).
    var outcome: String
    var error: String?
    /// `permanent` (the sheet's last failure), `transient` (a retry followed) or `rate_limit`.
    var errorType: String?

    var duration: Double? {
        guard let startedAt, let finishedAt else { return nil }
        return max(0, finishedAt.timeIntervalSince(startedAt))
    }

    enum CodingKeys: String, CodingKey {
        case sheet, attempt, outcome, error
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case errorType = "error_type"
    }
}

enum AttemptHistory {
    /// The attempts in the order they started.
    static func records(_ entries: [LogEntry]) -> [AttemptRecord] {
        var records: [AttemptRecord] = []
        var open: [Int: Int] = [:]
        for entry in entries {
            let text = entry.message
            if let (sheet, attempt) = match(text, #"^sheet (\d+) started \(attempt (\d+)\)"#) {
                open[sheet] = records.count
                records.append(AttemptRecord(sheet: sheet, attempt: attempt, startedAt: entry.timestamp, outcome: "running"))
            } else if let (sheet, _) = match(text, #"^sheet (\d+) completed \(attempt (\d+)"#), let index = open.removeValue(forKey: sheet) {
                records[index].outcome = "completed"
                records[index].finishedAt = entry.timestamp
            } else if let (sheet, _) = match(text, #"^sheet (\d+) attempt (\d+) failed: "#), let index = open.removeValue(forKey: sheet) {
                records[index].outcome = "failed"
                records[index].finishedAt = entry.timestamp
                records[index].error = text.components(separatedBy: " failed: ").dropFirst().joined(separator: " failed: ")
                records[index].errorType = "transient"
            } else if text.contains(" rate limited; "), let sheet = Int(text.split(separator: " ").dropFirst().first ?? "") {
                if let index = records.lastIndex(where: { $0.sheet == sheet }) { records[index].errorType = "rate_limit" }
            } else if let (sheet, _) = match(text, #"^sheet (\d+) failed after (\d+) attempt"#) {
                if let index = records.lastIndex(where: { $0.sheet == sheet && $0.outcome == "failed" }) { records[index].errorType = "permanent" }
            }
        }
        return records
    }

    private static func match(_ text: String, _ pattern: String) -> (Int, Int)? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let found = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), found.numberOfRanges == 3,
              let first = Range(found.range(at: 1), in: text), let second = Range(found.range(at: 2), in: text),
              let a = Int(text[first]), let b = Int(text[second])
        else { return nil }
        return (a, b)
    }
}
