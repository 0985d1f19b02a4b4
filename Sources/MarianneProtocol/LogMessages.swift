import Foundation

/// One entry of a job's log.
public struct LogEntry: Codable, Sendable, Equatable {
    /// 1-based, gap-free per job run; reconnect with `since` = the last one seen.
    public var seq: Int
    public var timestamp: Date
    /// DEBUG, INFO, WARNING, ERROR.
    public var level: String
    public var message: String
    /// Set on the marker a slow follower gets instead of the entries it missed.
    public var missed: Int?

    public init(seq: Int, timestamp: Date, level: String, message: String, missed: Int? = nil) {
        self.seq = seq
        self.timestamp = timestamp
        self.level = level
        self.message = message
        self.missed = missed
    }

    /// Severity order of the level names.
    public static func rank(_ level: String) -> Int {
        switch level.uppercased() {
        case "DEBUG": return 0
        case "INFO": return 1
        case "WARNING", "WARN": return 2
        case "ERROR": return 3
        case "CRITICAL": return 4
        default: return 1
        }
    }
}

/// `job.logs` params.
public struct LogsParams: Codable, Sendable, Equatable {
    public var jobID: String
    /// Only the last N entries of the history.
    public var tail: Int?
    /// Only entries with a sequence number greater than this.
    public var since: Int?
    /// Minimum level: DEBUG, INFO, WARNING, ERROR.
    public var level: String?
    /// Keep streaming new entries (as `job.log` notifications) until the job ends.
    public var follow: Bool?

    public init(jobID: String, tail: Int? = nil, since: Int? = nil, level: String? = nil, follow: Bool? = nil) {
        self.jobID = jobID
        self.tail = tail
        self.since = since
        self.level = level
        self.follow = follow
    }

    enum CodingKeys: String, CodingKey {
        case tail, since, level, follow
        case jobID = "job_id"
    }
}

/// A `job.log` notification: one entry of a followed job.
public struct LogNotification: Codable, Sendable, Equatable {
    public var jobID: String
    public var entry: LogEntry

    public init(jobID: String, entry: LogEntry) {
        self.jobID = jobID
        self.entry = entry
    }

    enum CodingKeys: String, CodingKey {
        case entry
        case jobID = "job_id"
    }
}

/// `job.logs` result. When following, `entries` is empty (they came as notifications) and
/// `status` is the job's final status.
public struct LogsResult: Codable, Sendable, Equatable {
    public var jobID: String
    public var entries: [LogEntry]
    public var status: JobStatus
    public var error: String?
    /// The last sequence number sent, to reconnect with `since`.
    public var lastSeq: Int

    public init(jobID: String, entries: [LogEntry], status: JobStatus, error: String?, lastSeq: Int) {
        self.jobID = jobID
        self.entries = entries
        self.status = status
        self.error = error
        self.lastSeq = lastSeq
    }

    enum CodingKeys: String, CodingKey {
        case entries, status, error
        case jobID = "job_id"
        case lastSeq = "last_seq"
    }
}

/// One result a job saved.
public struct JobResultEntry: Codable, Sendable, Equatable {
    public var seq: Int
    public var timestamp: Date
    public var data: JSONValue

    public init(seq: Int, timestamp: Date, data: JSONValue) {
        self.seq = seq
        self.timestamp = timestamp
        self.data = data
    }
}

/// `job.results` result.
public struct ResultsResult: Codable, Sendable, Equatable {
    public var jobID: String
    public var results: [JobResultEntry]

    public init(jobID: String, results: [JobResultEntry]) {
        self.jobID = jobID
        self.results = results
    }

    enum CodingKeys: String, CodingKey {
        case results
        case jobID = "job_id"
    }
}
