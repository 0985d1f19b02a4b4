/// `conductor.health` result.
public struct HealthResult: Codable, Sendable, Equatable {
    public var status: String
    public var pid: Int32
    public var uptimeSeconds: Double
    public var version: String
    public var protocolVersion: Int

    public init(status: String, pid: Int32, uptimeSeconds: Double, version: String, protocolVersion: Int) {
        self.status = status
        self.pid = pid
        self.uptimeSeconds = uptimeSeconds
        self.version = version
        self.protocolVersion = protocolVersion
    }

    enum CodingKeys: String, CodingKey {
        case status, pid, version
        case uptimeSeconds = "uptime_seconds"
        case protocolVersion = "protocol_version"
    }
}

/// `conductor.status` result.
public struct ConductorStatusResult: Codable, Sendable, Equatable {
    public var pid: Int32
    public var version: String
    public var uptimeSeconds: Double
    /// Human form, e.g. `2h 15m`.
    public var uptime: String
    public var rssBytes: Int
    public var home: String
    public var jobsByStatus: [String: Int]
    public var runningJobs: [String]
    public var modules: [String]
    /// Jobs resumed from their checkpoints when this conductor started.
    public var recoveredJobs: Int
    public var maxConcurrentJobs: Int
    /// The HTTP gateway's base URL, when it runs.
    public var httpURL: String?
    /// What keeps the conductor from working fully (a read-only or full registry, lost log
    /// entries), with what to do; absent when all is well.
    public var problems: [String]?
    /// Whether Slurm's `sbatch` is on the conductor's PATH and its cluster answers.
    public var slurm: SlurmReachability?
    /// Instruments held back by a rate limit, for every job; absent when there is none.
    public var rateLimits: [InstrumentRateLimit]?
    /// Models with sheets running or waiting under their `max_concurrent`.
    public var modelSlots: [ModelSlotUsage]?

    public init(
        pid: Int32, version: String, uptimeSeconds: Double, uptime: String, rssBytes: Int, home: String,
        jobsByStatus: [String: Int], runningJobs: [String], modules: [String], recoveredJobs: Int,
        maxConcurrentJobs: Int, httpURL: String? = nil, problems: [String]? = nil, slurm: SlurmReachability? = nil
    ) {
        self.slurm = slurm
        self.httpURL = httpURL
        self.problems = problems
        self.pid = pid
        self.version = version
        self.uptimeSeconds = uptimeSeconds
        self.uptime = uptime
        self.rssBytes = rssBytes
        self.home = home
        self.jobsByStatus = jobsByStatus
        self.runningJobs = runningJobs
        self.modules = modules
        self.recoveredJobs = recoveredJobs
        self.maxConcurrentJobs = maxConcurrentJobs
    }

    enum CodingKeys: String, CodingKey {
        case pid, version, uptime, home, modules, problems, slurm
        case uptimeSeconds = "uptime_seconds"
        case rssBytes = "rss_bytes"
        case jobsByStatus = "jobs_by_status"
        case runningJobs = "running_jobs"
        case recoveredJobs = "recovered_jobs"
        case maxConcurrentJobs = "max_concurrent_jobs"
        case httpURL = "http_url"
        case rateLimits = "rate_limits"
        case modelSlots = "model_slots"
    }
}

/// `conductor.shutdown` params.
public struct ShutdownParams: Codable, Sendable, Equatable {
    /// Seconds running jobs get to reach a checkpoint before their processes are stopped.
    public var graceSeconds: Double?

    public init(graceSeconds: Double? = nil) {
        self.graceSeconds = graceSeconds
    }

    enum CodingKeys: String, CodingKey {
        case graceSeconds = "grace_seconds"
    }
}

/// `conductor.shutdown` result.
public struct ShutdownResult: Codable, Sendable, Equatable {
    public var accepted: Bool
    public var runningJobs: Int

    public init(accepted: Bool, runningJobs: Int) {
        self.accepted = accepted
        self.runningJobs = runningJobs
    }

    enum CodingKeys: String, CodingKey {
        case accepted
        case runningJobs = "running_jobs"
    }
}
