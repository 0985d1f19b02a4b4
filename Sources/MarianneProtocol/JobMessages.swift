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
    /// Set by the conductor for a job an `on_success` hook chains: how deep in the chain it is.
    public var chainDepth: Int?
    /// An id whose job has finished: `true` replaces it (its log and history go), `false`
    /// refuses (-32007); absent replaces, as protocol version 1 always did.
    public var replace: Bool?
    /// Where the job queues: its group, label, the jobs it waits for, its delay.
    public var queue: QueueOptions?

    public init(
        configPath: String? = nil, configContent: String? = nil, workspace: String? = nil, startSheet: Int? = nil,
        selfHealing: Bool? = nil, maxDuration: String? = nil, id: String? = nil, baseDirectory: String? = nil,
        chainDepth: Int? = nil, replace: Bool? = nil, queue: QueueOptions? = nil
    ) {
        self.chainDepth = chainDepth
        self.replace = replace
        self.queue = queue
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
        case chainDepth = "chain_depth"
        case replace, queue
    }
}

/// How a new job queues (`job.submit` and `job.start`): all optional.
public struct QueueOptions: Codable, Sendable, Equatable {
    /// The group (`group.add`) whose parallelism limits the job; `default` when absent.
    public var group: String?
    /// Free text shown by `mzt list` and `mzt status`.
    public var label: String?
    /// Ids of jobs that must complete first; if one fails or is cancelled, this job fails.
    public var after: [String]?
    /// Start no sooner than this long after submission, e.g. `10m` (at most 366 days).
    public var delay: String?
    /// The command line of a job made from one (`mzt add`), shown by `mzt status`.
    public var command: String?

    public init(group: String? = nil, label: String? = nil, after: [String]? = nil, delay: String? = nil, command: String? = nil) {
        self.group = group
        self.label = label
        self.after = after
        self.delay = delay
        self.command = command
    }

    /// True when nothing is set.
    public var isEmpty: Bool { self == QueueOptions() }
}

/// `job.submit` / `job.start` result.
public struct SubmitResult: Codable, Sendable, Equatable {
    public var jobID: String
    public var name: String
    public var status: JobStatus
    public var workspace: String
    public var totalSheets: Int
    public var queuePosition: Int?
    /// What the submitter should know: score keys that are ignored (W001...), another
    /// active job in the same workspace.
    public var warnings: [String]?

    public init(
        jobID: String, name: String, status: JobStatus, workspace: String, totalSheets: Int, queuePosition: Int? = nil,
        warnings: [String]? = nil
    ) {
        self.warnings = warnings
        self.jobID = jobID
        self.name = name
        self.status = status
        self.workspace = workspace
        self.totalSheets = totalSheets
        self.queuePosition = queuePosition
    }

    enum CodingKeys: String, CodingKey {
        case name, status, workspace, warnings
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
