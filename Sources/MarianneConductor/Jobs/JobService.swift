import Logging
import MarianneProtocol

/// Counts and names the conductor reports in `conductor.status`.
public struct JobsSummary: Sendable, Equatable {
    public var jobsByStatus: [String: Int]
    public var runningJobs: [String]
    public var modules: [String]
    public var recoveredJobs: Int
    /// What keeps the job side from working fully, with what to do.
    public var problems: [String]

    public init(jobsByStatus: [String: Int] = [:], runningJobs: [String] = [], modules: [String] = [], recoveredJobs: Int = 0, problems: [String] = []) {
        self.jobsByStatus = jobsByStatus
        self.runningJobs = runningJobs
        self.modules = modules
        self.recoveredJobs = recoveredJobs
        self.problems = problems
    }
}

/// The job side of the conductor (the job engine), plugged into the server.
/// Without one, every `job.*` method answers method-not-found.
public protocol JobService: Sendable {
    /// Adds the `job.*` and `module.*` methods.
    func registerMethods(on table: MethodTable)
    /// Called once the socket is bound: resumes interrupted jobs, returns how many.
    func recoverInterruptedJobs() async -> Int
    func summary() async -> JobsSummary
    /// Stop accepting work; give running jobs `grace` seconds to checkpoint, then stop their
    /// processes. Jobs are left resumable.
    func shutdown(grace: Double) async
}
