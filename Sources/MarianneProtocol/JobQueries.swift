import Foundation

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
    /// Seconds the job has spent running, over every run: time paused (`pause --now`
    /// included), failed or waiting in the queue does not count.
    public var runningSeconds: Double?
    /// The queue group the job runs in (`default` unless submitted with a group).
    public var group: String?
    /// A free-text label given at submission.
    public var label: String?
    /// The command line of a job made by `mzt add` (the shell form).
    public var command: String?
    /// Jobs that must complete before this one starts (`--after`), while it waits.
    public var after: [String]?
    /// The job does not start before this time (`--delay`), while it waits.
    public var notBefore: Date?

    public init(
        jobID: String, kind: String, name: String, status: JobStatus, workspace: String, configPath: String? = nil,
        checkpointPath: String? = nil, pid: Int32? = nil, createdAt: Date, startedAt: Date? = nil, finishedAt: Date? = nil,
        error: String? = nil, currentSheet: Int? = nil, completedSheets: Int = 0, totalSheets: Int, queuePosition: Int? = nil,
        runningSeconds: Double? = nil, group: String? = nil, label: String? = nil, command: String? = nil,
        after: [String]? = nil, notBefore: Date? = nil
    ) {
        self.runningSeconds = runningSeconds
        self.group = group
        self.label = label
        self.command = command
        self.after = after
        self.notBefore = notBefore
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

    /// Wall time: seconds from the first start to the end (or to `now` while the job has not
    /// ended), pauses, failures and waits included. `runningSeconds` is the time it ran.
    public func duration(now: Date = Date()) -> Double? {
        guard let startedAt else { return nil }
        return max(0, (finishedAt ?? now).timeIntervalSince(startedAt))
    }

    enum CodingKeys: String, CodingKey {
        case kind, name, status, workspace, pid, error, group, label, command, after
        case jobID = "job_id"
        case runningSeconds = "running_seconds"
        case notBefore = "not_before"
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
    /// The Slurm job of the latest attempt, when the sheet runs on Slurm.
    public var slurmJobID: String?
    /// Its state as last seen (`PENDING`, `RUNNING`, `COMPLETED`, ...).
    public var slurmState: String?
    /// Why a pending Slurm job waits (`Resources`, `Priority`, ...).
    public var slurmReason: String?
    /// The instrument and model of the last attempt (a fallback when one took over).
    public var instrument: String?
    public var model: String?
    /// Tokens and US dollars of all the sheet's attempts.
    public var inputTokens: Int?
    public var outputTokens: Int?
    public var costUSD: Double?
    /// The end of the sheet's output: what its instrument answered (the whole answer is in
    /// the attempt's `.result` file).
    public var output: String?
    /// The attempts, newest last, each with its instrument, tokens and cost.
    public var attemptLog: [SheetAttemptSummary]?

    public init(
        number: Int, status: SheetStatus, attempts: Int, startedAt: Date?, finishedAt: Date?, exitCode: Int32?, signal: Int32?,
        error: String?, stderrTail: String?, dependencies: [Int], slurmJobID: String? = nil, slurmState: String? = nil,
        slurmReason: String? = nil
    ) {
        self.slurmJobID = slurmJobID
        self.slurmState = slurmState
        self.slurmReason = slurmReason
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
        case slurmJobID = "slurm_job_id"
        case slurmState = "slurm_state"
        case slurmReason = "slurm_reason"
        case instrument, model, output
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case costUSD = "cost_usd"
        case attemptLog = "attempts_log"
    }
}

/// One attempt of a sheet in `job.status`.
public struct SheetAttemptSummary: Codable, Sendable, Equatable {
    public var attempt: Int
    public var instrument: String
    public var model: String?
    public var outcome: String
    public var inputTokens: Int
    public var outputTokens: Int
    public var costUSD: Double
    public var durationSeconds: Double

    public init(attempt: Int, instrument: String, model: String?, outcome: String, inputTokens: Int, outputTokens: Int, costUSD: Double, durationSeconds: Double) {
        self.attempt = attempt
        self.instrument = instrument
        self.model = model
        self.outcome = outcome
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.costUSD = costUSD
        self.durationSeconds = durationSeconds
    }

    enum CodingKeys: String, CodingKey {
        case attempt, instrument, model, outcome
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case costUSD = "cost_usd"
        case durationSeconds = "duration_seconds"
    }
}

/// `job.status` result.
public struct JobStatusResult: Codable, Sendable, Equatable {
    public var job: JobSummary
    public var sheets: [SheetSummary]
    public var elapsedSeconds: Double?
    public var maxDurationSeconds: Double?
    /// Tokens and US dollars of every attempt of the job.
    public var inputTokens: Int?
    public var outputTokens: Int?
    public var costUSD: Double?

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
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case costUSD = "cost_usd"
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
