import Foundation
@_exported import MarianneProtocol

/// The durable state of one job, written to `.marianne/checkpoint-<id>.json` in its
/// workspace on every sheet state change. Enough to resume the job after a crash.
public struct JobCheckpoint: Codable, Sendable, Equatable {
    public static let currentVersion = 1

    public var version: Int
    public var jobID: String
    public var name: String
    /// `score` or `module`.
    public var kind: String
    public var status: JobStatus
    /// FNV-1a (64 bit, hex) of the config snapshot: it detects change, nothing more.
    public var configHash: String
    /// The score YAML (or module request JSON) the job runs with.
    public var configSnapshot: String
    public var configPath: String?
    public var workspace: String
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    public var updatedAt: Date
    public var totalSheets: Int
    public var lastCompletedSheet: Int
    /// Conductor pid that last ran the job.
    public var pid: Int32?
    public var error: String?
    /// Seconds already spent running, carried across resumes and restarts.
    public var elapsedSeconds: Double
    public var maxDurationSeconds: Double?
    public var startSheet: Int
    public var selfHealing: Bool
    /// `true` when the user asked for the pause (survives a conductor restart).
    public var pausedByUser: Bool
    public var sheets: [SheetState]
    /// Free-form state a module saved with `saveCheckpoint`.
    public var moduleCheckpoint: JSONValue?
    /// Process groups in flight that belong to no sheet (a module's process).
    public var processGroups: [Int32]?
    /// How many `on_success` run_job hooks led to this job (0: submitted by someone).
    public var chainDepth: Int?
    /// Tokens and cost of every attempt of the job.
    public var usage: TokenUsage?
    /// The git worktree the job's sheets run in (`isolation:`).
    public var worktree: WorktreeState?
    /// The generation of this file's journal (`CheckpointJournal`): only records made for
    /// this very file apply to it. Nil in a file written whole with no journal to follow.
    public var journalBase: String?

    public init(
        jobID: String, name: String, kind: String = "score", status: JobStatus = .pending, configHash: String,
        configSnapshot: String, configPath: String?, workspace: String, createdAt: Date = Date(), totalSheets: Int,
        maxDurationSeconds: Double? = nil, startSheet: Int = 1, selfHealing: Bool = false, sheets: [SheetState]
    ) {
        self.version = Self.currentVersion
        self.jobID = jobID
        self.name = name
        self.kind = kind
        self.status = status
        self.configHash = configHash
        self.configSnapshot = configSnapshot
        self.configPath = configPath
        self.workspace = workspace
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.totalSheets = totalSheets
        self.lastCompletedSheet = 0
        self.elapsedSeconds = 0
        self.maxDurationSeconds = maxDurationSeconds
        self.startSheet = startSheet
        self.selfHealing = selfHealing
        self.pausedByUser = false
        self.sheets = sheets
    }

    enum CodingKeys: String, CodingKey {
        case version, name, kind, status, workspace, pid, error, sheets
        case jobID = "job_id"
        case configHash = "config_hash"
        case configSnapshot = "config_snapshot"
        case configPath = "config_path"
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case updatedAt = "updated_at"
        case totalSheets = "total_sheets"
        case lastCompletedSheet = "last_completed_sheet"
        case elapsedSeconds = "elapsed_seconds"
        case maxDurationSeconds = "max_duration_seconds"
        case startSheet = "start_sheet"
        case selfHealing = "self_healing"
        case pausedByUser = "paused_by_user"
        case moduleCheckpoint = "module_checkpoint"
        case processGroups = "process_groups"
        case chainDepth = "chain_depth"
        case usage, worktree
        case journalBase = "journal_base"
    }
}

/// The state of one sheet inside a checkpoint.
public struct SheetState: Codable, Sendable, Equatable {
    public var number: Int
    public var status: SheetStatus
    public var attempts: Int
    public var startedAt: Date?
    public var finishedAt: Date?
    public var exitCode: Int32?
    public var signal: Int32?
    public var error: String?
    public var validations: [ValidationOutcome]
    public var stdoutTail: String?
    public var stderrTail: String?
    /// Process group of the attempt in flight, so a restarted conductor can kill leftovers.
    public var processGroup: Int32?
    /// Skipped by its own `skip_when`/`skip_when_command` (sheets after it still run), not
    /// because a sheet it depends on failed.
    public var skippedByRule: Bool?
    /// The Slurm job of the latest attempt, when the sheet runs on Slurm.
    public var slurm: SlurmAttemptRecord?
    /// The instrument (and model) of the last attempt: the sheet's own, or a fallback.
    public var instrument: String?
    public var model: String?
    /// Tokens and cost of all the sheet's attempts.
    public var usage: TokenUsage?
    /// The last attempts (at most `maxAttemptLog`), with their instrument, tokens and cost.
    public var attemptLog: [AttemptRecord]?
    public var completionAttempts: Int?
    /// Rate-limit waits in a row (reset by an attempt that is not rate limited).
    public var rateLimitWaits: Int?
    /// Attempts kept in `attemptLog`.
    public static let maxAttemptLog = 20

    public init(number: Int, status: SheetStatus = .pending) {
        self.number = number
        self.status = status
        self.attempts = 0
        self.validations = []
    }

    enum CodingKeys: String, CodingKey {
        case number, status, attempts, signal, error, validations, slurm
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case exitCode = "exit_code"
        case stdoutTail = "stdout_tail"
        case stderrTail = "stderr_tail"
        case processGroup = "process_group"
        case skippedByRule = "skipped_by_rule"
        case instrument, model, usage
        case attemptLog = "attempt_log"
        case completionAttempts = "completion_attempts"
        case rateLimitWaits = "rate_limit_waits"
    }
}

/// The result of one validation rule after an attempt.
public struct ValidationOutcome: Codable, Sendable, Equatable {
    public var type: String
    public var description: String
    public var stage: Int
    public var passed: Bool
    public var message: String?

    public init(type: String, description: String, stage: Int, passed: Bool, message: String? = nil) {
        self.type = type
        self.description = description
        self.stage = stage
        self.passed = passed
        self.message = message
    }
}
