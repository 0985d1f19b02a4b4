import Foundation
import MarianneProtocol

/// `job.logs`: the stored history, and with `follow` what comes next, handed to `deliver`
/// one entry at a time until the job ends. The stream is subscribed before the history is
/// read, so nothing falls between the two; a follower too slow for its bounded queue is
/// told how many entries it missed (never a silent drop).
struct LogReader: Sendable {
    let store: JobStore
    let log: JobLog

    /// Longest tail and largest `since` accepted.
    static let maxTail = 1_000_000

    func read(_ params: LogsParams, deliver: @Sendable (LogEntry) async throws -> Void) async throws -> LogsResult {
        let id = params.jobID
        if let tail = params.tail, !(0...Self.maxTail).contains(tail) {
            throw JobError.invalidParams("tail must be between 0 and \(Self.maxTail)")
        }
        if let since = params.since, since < 0 { throw JobError.invalidParams("since must be 0 or more") }
        var row = try await store.row(id)
        var stream = params.follow == true && !row.jobStatus.isTerminal ? log.hub.follow(id) : nil
        // A job that ended between that read and the subscription finished its followers
        // before this one came: read the row again (a job's status is final in the registry
        // before its followers are finished), and replay the history only.
        if stream != nil {
            row = try await store.row(id)
            if row.jobStatus.isTerminal { stream = nil }
        }
        await log.flush()
        let minimum = LogEntry.rank(params.level ?? "DEBUG")
        let lastSeq: Int
        let history: [LogEntry]
        do {
            lastSeq = try await store.registry.lastLogSeq(id)
            history = try await store.registry.logs(id, since: params.since ?? 0, minimumRank: minimum, tail: params.tail).filter { $0.seq <= lastSeq }
        } catch {
            throw JobError.storage("the job log cannot be read: \(error)")
        }
        guard params.follow == true else {
            return LogsResult(jobID: id, entries: history, status: row.jobStatus, error: row.error, lastSeq: max(lastSeq, params.since ?? 0))
        }
        // Following: the history comes as notifications too, then whatever is new.
        for entry in history { try await deliver(entry) }
        var last = max(lastSeq, params.since ?? 0)
        guard let stream else {
            return LogsResult(jobID: id, entries: [], status: row.jobStatus, error: row.error, lastSeq: last)
        }
        func reportGap(upTo seq: Int) async throws {
            let missed = seq - last - 1
            guard missed > 0 else { return }
            try await deliver(LogEntry(
                seq: seq - 1, timestamp: Date(), level: "WARNING",
                message: "\(missed) log entries missed (seq \(last + 1)-\(seq - 1)): the follower was too slow; fetch them with since=\(last)",
                missed: missed
            ))
        }
        for await entry in stream where entry.seq > last {
            try await reportGap(upTo: entry.seq)
            last = entry.seq
            if LogEntry.rank(entry.level) >= minimum { try await deliver(entry) }
        }
        await log.flush()
        let final = try await store.row(id)
        let stored = (try? await store.registry.lastLogSeq(id)) ?? last
        try await reportGap(upTo: stored + 1)
        return LogsResult(jobID: id, entries: [], status: final.jobStatus, error: final.error, lastSeq: stored)
    }
}
