import Foundation

/// `job.signal` params: a signal for every process of a running job.
public struct SignalParams: Codable, Sendable, Equatable {
    public var jobID: String
    /// A name (`TERM`, `SIGINT`, `kill`) or a number from 1 to 64.
    public var signal: String

    public init(jobID: String, signal: String) {
        self.jobID = jobID
        self.signal = signal
    }

    enum CodingKeys: String, CodingKey {
        case signal
        case jobID = "job_id"
    }
}

/// `job.signal` result: the signal sent and how many processes got it.
public struct SignalResult: Codable, Sendable, Equatable {
    public var jobID: String
    public var signal: Int32
    public var processes: Int

    public init(jobID: String, signal: Int32, processes: Int) {
        self.jobID = jobID
        self.signal = signal
        self.processes = processes
    }

    enum CodingKeys: String, CodingKey {
        case signal, processes
        case jobID = "job_id"
    }
}

/// `job.restart` params: run what a finished job ran again, as a new job (the old one stays).
public struct RestartParams: Codable, Sendable, Equatable {
    public var jobID: String
    /// The new job's id (default: the old id with `-2`, `-3`, ... appended).
    public var id: String?
    /// Start the new job with the old one's settings but only after these options.
    public var queue: QueueOptions?

    public init(jobID: String, id: String? = nil, queue: QueueOptions? = nil) {
        self.jobID = jobID
        self.id = id
        self.queue = queue
    }

    enum CodingKeys: String, CodingKey {
        case id, queue
        case jobID = "job_id"
    }
}

/// `job.move` params: a queued job's new place in the queue.
public struct MoveParams: Codable, Sendable, Equatable {
    public var jobID: String
    /// 1-based; past the end means last.
    public var position: Int

    public init(jobID: String, position: Int) {
        self.jobID = jobID
        self.position = position
    }

    enum CodingKeys: String, CodingKey {
        case position
        case jobID = "job_id"
    }
}

/// `job.move` result.
public struct MoveResult: Codable, Sendable, Equatable {
    public var jobID: String
    public var position: Int

    public init(jobID: String, position: Int) {
        self.jobID = jobID
        self.position = position
    }

    enum CodingKeys: String, CodingKey {
        case position
        case jobID = "job_id"
    }
}

/// `job.config` result: what a job runs (the score YAML, or a module request as JSON).
public struct JobConfigResult: Codable, Sendable, Equatable {
    public var jobID: String
    public var kind: String
    public var status: JobStatus
    public var config: String
    public var configPath: String?

    public init(jobID: String, kind: String, status: JobStatus, config: String, configPath: String?) {
        self.jobID = jobID
        self.kind = kind
        self.status = status
        self.config = config
        self.configPath = configPath
    }

    enum CodingKeys: String, CodingKey {
        case kind, status, config
        case jobID = "job_id"
        case configPath = "config_path"
    }
}

/// `job.edit` params: a new score for a job that has not started, or `modify`'s change of
/// a paused or ended one (its completed sheets stay done).
public struct EditParams: Codable, Sendable, Equatable {
    public var jobID: String
    public var configContent: String
    /// Directory the new score's relative paths resolve against (default: the old score's).
    public var baseDirectory: String?
    /// Continue the job with the new score (a paused, failed, cancelled or stopped job).
    public var resume: Bool?

    public init(jobID: String, configContent: String, baseDirectory: String? = nil, resume: Bool? = nil) {
        self.jobID = jobID
        self.configContent = configContent
        self.baseDirectory = baseDirectory
        self.resume = resume
    }

    enum CodingKeys: String, CodingKey {
        case resume
        case jobID = "job_id"
        case configContent = "config_content"
        case baseDirectory = "base_directory"
    }
}

/// `group.add` / `group.parallel` params.
public struct GroupParams: Codable, Sendable, Equatable {
    /// The group; `group.parallel` without it changes the `default` group.
    public var name: String?
    /// Jobs of the group that may run at once (1-10000).
    public var parallel: Int?

    public init(name: String? = nil, parallel: Int? = nil) {
        self.name = name
        self.parallel = parallel
    }
}

/// One queue group.
public struct GroupInfo: Codable, Sendable, Equatable {
    public var name: String
    public var parallel: Int
    public var running: Int
    public var pending: Int

    public init(name: String, parallel: Int, running: Int, pending: Int) {
        self.name = name
        self.parallel = parallel
        self.running = running
        self.pending = pending
    }
}

/// `group.list` result (also what `group.add`, `group.remove` and `group.parallel` answer).
public struct GroupListResult: Codable, Sendable, Equatable {
    public var groups: [GroupInfo]

    public init(groups: [GroupInfo]) {
        self.groups = groups
    }
}

/// `job.recover` params: check the validations of failed sheets without running them again.
public struct RecoverParams: Codable, Sendable, Equatable {
    public var jobID: String
    /// Only this sheet (default: every failed sheet).
    public var sheet: Int?
    /// Report only; change nothing.
    public var dryRun: Bool?

    public init(jobID: String, sheet: Int? = nil, dryRun: Bool? = nil) {
        self.jobID = jobID
        self.sheet = sheet
        self.dryRun = dryRun
    }

    enum CodingKeys: String, CodingKey {
        case sheet
        case jobID = "job_id"
        case dryRun = "dry_run"
    }
}

/// One sheet checked by `job.recover`.
public struct RecoveredSheet: Codable, Sendable, Equatable {
    public var number: Int
    public var passed: Bool
    /// Why a validation failed, one line each.
    public var failures: [String]

    public init(number: Int, passed: Bool, failures: [String]) {
        self.number = number
        self.passed = passed
        self.failures = failures
    }
}

/// `job.recover` result: each sheet checked; `recovered` those now marked completed.
public struct RecoverResult: Codable, Sendable, Equatable {
    public var jobID: String
    public var sheets: [RecoveredSheet]
    public var recovered: [Int]
    public var status: JobStatus

    public init(jobID: String, sheets: [RecoveredSheet], recovered: [Int], status: JobStatus) {
        self.jobID = jobID
        self.sheets = sheets
        self.recovered = recovered
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case sheets, recovered, status
        case jobID = "job_id"
    }
}
