import MarianneProtocol

/// Counts and names the conductor reports in `conductor.status`.
public struct JobsSummary: Sendable, Equatable {
    public var jobsByStatus: [String: Int]
    public var runningJobs: [String]
    public var modules: [String]
    public var recoveredJobs: Int
    /// What keeps the job side from working fully, with what to do.
    public var problems: [String]
    /// Instruments held back by a rate limit, and models in use (`InstrumentBoard`).
    public var rateLimits: [InstrumentRateLimit] = []
    public var modelSlots: [ModelSlotUsage] = []

    public init(jobsByStatus: [String: Int] = [:], runningJobs: [String] = [], modules: [String] = [], recoveredJobs: Int = 0, problems: [String] = []) {
        self.jobsByStatus = jobsByStatus
        self.runningJobs = runningJobs
        self.modules = modules
        self.recoveredJobs = recoveredJobs
        self.problems = problems
    }
}
