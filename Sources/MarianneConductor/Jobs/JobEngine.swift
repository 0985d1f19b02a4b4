import Logging
import MarianneProtocol

/// The job side of the conductor (the job engine), plugged into the server.
/// Without one, every `job.*` method answers method-not-found.
public protocol JobEngine: Sendable {
    /// Adds the `job.*` and `module.*` methods.
    func registerMethods(on table: MethodTable)
    /// Called once the socket is bound: resumes interrupted jobs, returns how many.
    func recoverInterruptedJobs() async -> Int
    func summary() async -> JobsSummary
    /// Stop accepting work; give running jobs `grace` seconds to checkpoint, then stop their
    /// processes. Jobs are left resumable.
    func shutdown(grace: Double) async
}
