/// One `on_success` hook in Marianne's model. Both forms load into it:
/// `{run_job: next.yaml}` and `{type: run_job, job_path: next.yaml, detached: true, ...}`.
public struct PostSuccessHook: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Equatable, Codable, CaseIterable {
        /// Submit another score (`job_path`).
        case runJob = "run_job"
        /// Run a shell command (`command`).
        case runCommand = "run_command"
        /// Run an executable without a shell (`command`).
        case runScript = "run_script"
    }

    public enum FailureAction: String, Sendable, Equatable, Codable {
        case `continue`, abort
    }

    public var kind: Kind
    /// run_job: the score to submit; `{workspace}` and `{job_id}` are replaced.
    public var jobPath: String?
    /// run_job: the chained job's workspace (default: per `concert.inherit_workspace`).
    public var jobWorkspace: String?
    public var inheritLearning: Bool
    /// run_command / run_script.
    public var command: String?
    public var workingDirectory: String?
    public var description: String?
    public var onFailure: FailureAction
    public var timeoutSeconds: Double
    /// run_job: submit and do not wait for the chained job.
    public var detached: Bool
    /// run_job: the chained job starts from a clean state.
    public var fresh: Bool
    /// run_job: complete this job but hold the chain until it is resumed.
    public var pauseBeforeChain: Bool
    /// Written in the `type:` form (Marianne's); false for `{run_job: ...}` / `{run_command: ...}`.
    public var typed: Bool

    public init(
        kind: Kind, jobPath: String? = nil, jobWorkspace: String? = nil, inheritLearning: Bool = true, command: String? = nil,
        workingDirectory: String? = nil, description: String? = nil, onFailure: FailureAction = .continue,
        timeoutSeconds: Double = 300, detached: Bool = false, fresh: Bool = false, pauseBeforeChain: Bool = false, typed: Bool = true
    ) {
        self.kind = kind
        self.jobPath = jobPath
        self.jobWorkspace = jobWorkspace
        self.inheritLearning = inheritLearning
        self.command = command
        self.workingDirectory = workingDirectory
        self.description = description
        self.onFailure = onFailure
        self.timeoutSeconds = timeoutSeconds
        self.detached = detached
        self.fresh = fresh
        self.pauseBeforeChain = pauseBeforeChain
        self.typed = typed
    }

    /// `job_path` (or `command`) with `{workspace}` and `{job_id}` replaced, as Marianne does.
    public func expanded(_ text: String, workspace: String, jobID: String) -> String {
        text.replacingOccurrences(of: "{workspace}", with: workspace).replacingOccurrences(of: "{job_id}", with: jobID)
    }
}

/// `concert`: chaining jobs with `on_success` run_job hooks. Defaults are Marianne's.
public struct ConcertConfig: Sendable, Equatable, Codable {
    public var enabled: Bool
    /// A chain stops after this many jobs (1-100).
    public var maxChainDepth: Int
    public var cooldownBetweenJobsSeconds: Double
    /// A chained job without `job_workspace` uses this job's workspace.
    public var inheritWorkspace: Bool
    public var concertLogPath: String?
    public var abortConcertOnHookFailure: Bool

    public init(
        enabled: Bool = false, maxChainDepth: Int = 5, cooldownBetweenJobsSeconds: Double = 5, inheritWorkspace: Bool = true,
        concertLogPath: String? = nil, abortConcertOnHookFailure: Bool = false
    ) {
        self.enabled = enabled
        self.maxChainDepth = maxChainDepth
        self.cooldownBetweenJobsSeconds = cooldownBetweenJobsSeconds
        self.inheritWorkspace = inheritWorkspace
        self.concertLogPath = concertLogPath
        self.abortConcertOnHookFailure = abortConcertOnHookFailure
    }

    /// Whether a job at `depth` in a chain (the first job is 0) may submit the next one.
    public func allowsChain(fromDepth depth: Int) -> Bool {
        !enabled || depth < maxChainDepth
    }
}
