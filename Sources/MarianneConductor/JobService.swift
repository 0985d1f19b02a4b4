import Logging
import MarianneProtocol

/// What the conductor hands to the job side when it starts.
public struct ConductorEnvironment: Sendable {
    public var home: ConductorHome
    public var settings: ConductorSettings
    public var logger: Logger

    public init(home: ConductorHome, settings: ConductorSettings, logger: Logger) {
        self.home = home
        self.settings = settings
        self.logger = logger
    }
}

/// Counts and names the conductor reports in `conductor.status`.
public struct JobsSummary: Sendable, Equatable {
    public var jobsByStatus: [String: Int]
    public var runningJobs: [String]
    public var modules: [String]
    public var recoveredJobs: Int

    public init(jobsByStatus: [String: Int] = [:], runningJobs: [String] = [], modules: [String] = [], recoveredJobs: Int = 0) {
        self.jobsByStatus = jobsByStatus
        self.runningJobs = runningJobs
        self.modules = modules
        self.recoveredJobs = recoveredJobs
    }
}

/// The job side of the conductor (the job engine), plugged into the server.
/// Without one, every `job.*` method answers method-not-found.
public protocol JobService: Sendable {
    /// Adds the `job.*` and `module.*` methods.
    func registerMethods(on router: Router)
    /// Called once the socket is bound: resumes interrupted jobs, returns how many.
    func recoverInterruptedJobs() async -> Int
    func summary() async -> JobsSummary
    /// Stop accepting work; give running jobs `grace` seconds to checkpoint, then stop their
    /// processes. Jobs are left resumable.
    func shutdown(grace: Double) async
}
