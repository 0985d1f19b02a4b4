import Foundation

/// Job states as the wire and the registry name them.
public enum JobStatus: String, Codable, Sendable, CaseIterable {
    case pending, running, paused, completed, failed, cancelled, stopped

    /// A terminal job has ended; it may be deleted or started again under its id.
    public var isTerminal: Bool {
        switch self {
        case .completed, .failed, .cancelled, .stopped: return true
        case .pending, .running, .paused: return false
        }
    }
}

/// Sheet states.
public enum SheetStatus: String, Codable, Sendable, CaseIterable {
    case pending, running, completed, failed, skipped
}

/// `job.submit` params: a score by path or inline content.
public struct SubmitParams: Codable, Sendable, Equatable {
    public var configPath: String?
    public var configContent: String?
    public var workspace: String?
    public var startSheet: Int?
    public var selfHealing: Bool?
    public var maxDuration: String?
    public var id: String?
    /// Directory that relative paths in inline content (and `workspace`) resolve against;
    /// the client's working directory.
    public var baseDirectory: String?

    public init(
        configPath: String? = nil, configContent: String? = nil, workspace: String? = nil, startSheet: Int? = nil,
        selfHealing: Bool? = nil, maxDuration: String? = nil, id: String? = nil, baseDirectory: String? = nil
    ) {
        self.baseDirectory = baseDirectory
        self.configPath = configPath
        self.configContent = configContent
        self.workspace = workspace
        self.startSheet = startSheet
        self.selfHealing = selfHealing
        self.maxDuration = maxDuration
        self.id = id
    }

    enum CodingKeys: String, CodingKey {
        case workspace, id
        case configPath = "config_path"
        case configContent = "config_content"
        case startSheet = "start_sheet"
        case selfHealing = "self_healing"
        case maxDuration = "max_duration"
        case baseDirectory = "base_directory"
    }
}

/// `job.submit` / `job.start` result.
public struct SubmitResult: Codable, Sendable, Equatable {
    public var jobID: String
    public var name: String
    public var status: JobStatus
    public var workspace: String
    public var totalSheets: Int
    public var queuePosition: Int?

    public init(jobID: String, name: String, status: JobStatus, workspace: String, totalSheets: Int, queuePosition: Int? = nil) {
        self.jobID = jobID
        self.name = name
        self.status = status
        self.workspace = workspace
        self.totalSheets = totalSheets
        self.queuePosition = queuePosition
    }

    enum CodingKeys: String, CodingKey {
        case name, status, workspace
        case jobID = "job_id"
        case totalSheets = "total_sheets"
        case queuePosition = "queue_position"
    }
}

/// Params naming one job.
public struct JobIDParams: Codable, Sendable, Equatable {
    public var jobID: String

    public init(jobID: String) {
        self.jobID = jobID
    }

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id"
    }
}

/// `job.pause` / `job.resume` / `job.cancel` result.
public struct JobActionResult: Codable, Sendable, Equatable {
    public var success: Bool
    public var jobID: String
    public var status: JobStatus
    public var message: String

    public init(success: Bool, jobID: String, status: JobStatus, message: String) {
        self.success = success
        self.jobID = jobID
        self.status = status
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case success, status, message
        case jobID = "job_id"
    }
}

/// `job.pause` params.
public struct PauseParams: Codable, Sendable, Equatable {
    public var jobID: String
    /// Also stop running process groups now (SIGSTOP); `resume` continues them.
    public var now: Bool?

    public init(jobID: String, now: Bool? = nil) {
        self.jobID = jobID
        self.now = now
    }

    enum CodingKeys: String, CodingKey {
        case now
        case jobID = "job_id"
    }
}

/// `job.resume` params.
public struct ResumeParams: Codable, Sendable, Equatable {
    public var jobID: String
    /// Re-read the score file instead of using the checkpoint's snapshot.
    public var reload: Bool?

    public init(jobID: String, reload: Bool? = nil) {
        self.jobID = jobID
        self.reload = reload
    }

    enum CodingKeys: String, CodingKey {
        case reload
        case jobID = "job_id"
    }
}

/// `job.health` result: the job's running process, read from /proc.
public struct ProcessHealth: Codable, Sendable, Equatable {
    public var pid: Int32?
    public var isAlive: Bool
    public var isZombie: Bool
    public var processExists: Bool
    public var cpuPercent: Double?
    public var memoryMB: Double?
    public var uptimeSeconds: Double?

    public init(pid: Int32?, isAlive: Bool, isZombie: Bool, processExists: Bool, cpuPercent: Double? = nil, memoryMB: Double? = nil, uptimeSeconds: Double? = nil) {
        self.pid = pid
        self.isAlive = isAlive
        self.isZombie = isZombie
        self.processExists = processExists
        self.cpuPercent = cpuPercent
        self.memoryMB = memoryMB
        self.uptimeSeconds = uptimeSeconds
    }

    enum CodingKeys: String, CodingKey {
        case pid
        case isAlive = "is_alive"
        case isZombie = "is_zombie"
        case processExists = "process_exists"
        case cpuPercent = "cpu_percent"
        case memoryMB = "memory_mb"
        case uptimeSeconds = "uptime_seconds"
    }
}

/// `job.delete` result.
public struct DeleteResult: Codable, Sendable, Equatable {
    public var deleted: Bool

    public init(deleted: Bool) {
        self.deleted = deleted
    }
}

/// One job as `job.list` and `job.status` show it.
public struct JobSummary: Codable, Sendable, Equatable {
    public var jobID: String
    /// `score` or `module`.
    public var kind: String
    public var name: String
    public var status: JobStatus
    public var workspace: String
    public var configPath: String?
    public var checkpointPath: String?
    public var pid: Int32?
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    public var error: String?
    public var currentSheet: Int?
    public var completedSheets: Int
    public var totalSheets: Int
    /// 1-based place in the queue while `pending`.
    public var queuePosition: Int?

    public init(
        jobID: String, kind: String, name: String, status: JobStatus, workspace: String, configPath: String? = nil,
        checkpointPath: String? = nil, pid: Int32? = nil, createdAt: Date, startedAt: Date? = nil, finishedAt: Date? = nil,
        error: String? = nil, currentSheet: Int? = nil, completedSheets: Int = 0, totalSheets: Int, queuePosition: Int? = nil
    ) {
        self.jobID = jobID
        self.kind = kind
        self.name = name
        self.status = status
        self.workspace = workspace
        self.configPath = configPath
        self.checkpointPath = checkpointPath
        self.pid = pid
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.error = error
        self.currentSheet = currentSheet
        self.completedSheets = completedSheets
        self.totalSheets = totalSheets
        self.queuePosition = queuePosition
    }

    /// Seconds from start to finish (or to `now` while the job runs).
    public func duration(now: Date = Date()) -> Double? {
        guard let startedAt else { return nil }
        return (finishedAt ?? now).timeIntervalSince(startedAt)
    }

    enum CodingKeys: String, CodingKey {
        case kind, name, status, workspace, pid, error
        case jobID = "job_id"
        case configPath = "config_path"
        case checkpointPath = "checkpoint_path"
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case currentSheet = "current_sheet"
        case completedSheets = "completed_sheets"
        case totalSheets = "total_sheets"
        case queuePosition = "queue_position"
    }
}

/// `job.list` params. Without `all`, terminal jobs that finished more than a day ago are left out.
public struct ListParams: Codable, Sendable, Equatable {
    public var status: [JobStatus]?
    /// Substring of the job id or name.
    public var name: String?
    public var limit: Int?
    /// `next_cursor` of the previous page.
    public var cursor: Int?
    public var all: Bool?

    public init(status: [JobStatus]? = nil, name: String? = nil, limit: Int? = nil, cursor: Int? = nil, all: Bool? = nil) {
        self.status = status
        self.name = name
        self.limit = limit
        self.cursor = cursor
        self.all = all
    }
}

/// `job.list` result.
public struct ListResult: Codable, Sendable, Equatable {
    public var jobs: [JobSummary]
    /// Pass as `cursor` to get the next page; nil on the last page.
    public var nextCursor: Int?

    public init(jobs: [JobSummary], nextCursor: Int?) {
        self.jobs = jobs
        self.nextCursor = nextCursor
    }

    enum CodingKeys: String, CodingKey {
        case jobs
        case nextCursor = "next_cursor"
    }
}

/// One sheet in `job.status`.
public struct SheetSummary: Codable, Sendable, Equatable {
    public var number: Int
    public var status: SheetStatus
    public var attempts: Int
    public var startedAt: Date?
    public var finishedAt: Date?
    public var exitCode: Int32?
    public var signal: Int32?
    public var error: String?
    public var stderrTail: String?
    public var dependencies: [Int]

    public init(
        number: Int, status: SheetStatus, attempts: Int, startedAt: Date?, finishedAt: Date?, exitCode: Int32?, signal: Int32?,
        error: String?, stderrTail: String?, dependencies: [Int]
    ) {
        self.number = number
        self.status = status
        self.attempts = attempts
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.exitCode = exitCode
        self.signal = signal
        self.error = error
        self.stderrTail = stderrTail
        self.dependencies = dependencies
    }

    enum CodingKeys: String, CodingKey {
        case number, status, attempts, signal, error, dependencies
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case exitCode = "exit_code"
        case stderrTail = "stderr_tail"
    }
}

/// `job.status` result.
public struct JobStatusResult: Codable, Sendable, Equatable {
    public var job: JobSummary
    public var sheets: [SheetSummary]
    public var elapsedSeconds: Double?
    public var maxDurationSeconds: Double?

    public init(job: JobSummary, sheets: [SheetSummary], elapsedSeconds: Double?, maxDurationSeconds: Double?) {
        self.job = job
        self.sheets = sheets
        self.elapsedSeconds = elapsedSeconds
        self.maxDurationSeconds = maxDurationSeconds
    }

    enum CodingKeys: String, CodingKey {
        case job, sheets
        case elapsedSeconds = "elapsed_seconds"
        case maxDurationSeconds = "max_duration_seconds"
    }
}

/// `job.wait` params: returns when the job is terminal or paused, or after `timeout` seconds.
public struct WaitParams: Codable, Sendable, Equatable {
    public var jobID: String
    public var timeout: Double?

    public init(jobID: String, timeout: Double? = nil) {
        self.jobID = jobID
        self.timeout = timeout
    }

    enum CodingKeys: String, CodingKey {
        case timeout
        case jobID = "job_id"
    }
}

/// `job.wait` result.
public struct WaitResult: Codable, Sendable, Equatable {
    public var job: JobSummary
    public var timedOut: Bool

    public init(job: JobSummary, timedOut: Bool) {
        self.job = job
        self.timedOut = timedOut
    }

    enum CodingKeys: String, CodingKey {
        case job
        case timedOut = "timed_out"
    }
}

/// `job.clear` params: removes terminal jobs only.
public struct ClearParams: Codable, Sendable, Equatable {
    public var status: [JobStatus]?
    /// Only jobs that finished at least this long ago (a duration like `7d`).
    public var olderThan: String?

    public init(status: [JobStatus]? = nil, olderThan: String? = nil) {
        self.status = status
        self.olderThan = olderThan
    }

    enum CodingKeys: String, CodingKey {
        case status
        case olderThan = "older_than"
    }
}

/// `job.clear` result.
public struct ClearResult: Codable, Sendable, Equatable {
    public var removed: [String]

    public init(removed: [String]) {
        self.removed = removed
    }
}

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
