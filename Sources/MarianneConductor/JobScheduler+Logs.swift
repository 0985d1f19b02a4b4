import Foundation
import MarianneProtocol
import Logging
import MarianneCore

extension JobScheduler {
    /// Appends an entry to the job's persisted log and hands it to its followers. Warnings
    /// and errors also go to the conductor's own log.
    func appendLog(_ jobID: String, level: String, message: String, progress: SheetProgress? = nil) {
        let seq = (logSeqs[jobID] ?? ((try? registry.lastLogSeq(jobID)) ?? 0)) + 1
        logSeqs[jobID] = seq
        let entry = LogEntry(seq: seq, timestamp: Date(), level: level.uppercased(), message: message)
        do {
            if let progress {
                try registry.record(
                    jobID, entry: entry, currentSheet: progress.currentSheet, completedSheets: progress.completedSheets,
                    processGroups: progress.processGroups
                )
            } else {
                try registry.appendLog(jobID, entry)
            }
        } catch {
            logger.error("job log entry could not be stored", metadata: ["job": "\(jobID)", "error": "\(error)"])
        }
        logHub.publish(jobID, entry)
        let severity = Logger.Level(jobLevel: level)
        if severity >= .warning {
            logger.log(level: severity, "\(message)", metadata: ["job": "\(jobID)"])
        }
    }

    /// Starts a fresh history for a job id that runs again from scratch.
    func resetHistory(_ jobID: String) {
        try? registry.clearHistory([jobID])
        logSeqs[jobID] = 0
    }

    /// Called whenever a job reaches a final state: ends its followers.
    func jobEnded(_ jobID: String) {
        logHub.finish(jobID)
        wakeWaiters(jobID)
    }

    struct FollowStart: Sendable {
        var history: [LogEntry]
        var stream: AsyncStream<LogEntry>?
        var lastSeq: Int
    }

    /// History (and, when following a live job, the stream of what comes next, subscribed
    /// before the history is read so nothing falls between the two).
    func openLogs(_ params: LogsParams) throws -> FollowStart {
        let row = try row(params.jobID)
        let live = params.follow == true && !row.jobStatus.isTerminal
        let stream = live ? logHub.follow(params.jobID) : nil
        let lastSeq = try registry.lastLogSeq(params.jobID)
        let minimum = LogEntry.rank(params.level ?? "DEBUG")
        let history = try registry.logs(params.jobID, since: params.since ?? 0, minimumRank: minimum, tail: params.tail)
            .filter { $0.seq <= lastSeq }
        return FollowStart(history: history, stream: stream, lastSeq: max(lastSeq, params.since ?? 0))
    }

    /// `job.logs`: replay, then (with `follow`) stream notifications until the job ends.
    nonisolated func logs(_ params: LogsParams, context: RequestContext) async throws -> LogsResult {
        let start = try await openLogs(params)
        guard params.follow == true else {
            let row = try await row(params.jobID)
            return LogsResult(jobID: params.jobID, entries: start.history, status: row.jobStatus, error: row.error, lastSeq: start.lastSeq)
        }
        // Following: the history comes as notifications too, then whatever is new.
        for entry in start.history {
            try await context.notify(method: RPCMethod.logEntry, params: LogNotification(jobID: params.jobID, entry: entry))
        }
        guard let stream = start.stream else {
            let row = try await row(params.jobID)
            return LogsResult(jobID: params.jobID, entries: [], status: row.jobStatus, error: row.error, lastSeq: start.lastSeq)
        }
        let minimum = LogEntry.rank(params.level ?? "DEBUG")
        var last = start.lastSeq
        func reportGap(upTo seq: Int) async throws {
            let missed = seq - last - 1
            guard missed > 0 else { return }
            let marker = LogEntry(
                seq: seq - 1, timestamp: Date(), level: "WARNING",
                message: "\(missed) log entries missed (seq \(last + 1)-\(seq - 1)): the follower was too slow; fetch them with since=\(last)",
                missed: missed
            )
            try await context.notify(method: RPCMethod.logEntry, params: LogNotification(jobID: params.jobID, entry: marker))
        }
        for await entry in stream where entry.seq > last {
            try await reportGap(upTo: entry.seq)
            last = entry.seq
            if LogEntry.rank(entry.level) >= minimum {
                try await context.notify(method: RPCMethod.logEntry, params: LogNotification(jobID: params.jobID, entry: entry))
            }
        }
        let row = try await row(params.jobID)
        let final = try registry.lastLogSeq(params.jobID)
        try await reportGap(upTo: final + 1)
        return LogsResult(jobID: params.jobID, entries: [], status: row.jobStatus, error: row.error, lastSeq: final)
    }

    func results(_ params: JobIDParams) throws -> ResultsResult {
        _ = try row(params.jobID)
        return ResultsResult(jobID: params.jobID, results: try registry.results(params.jobID))
    }
}
