import Foundation
import MarianneProtocol
import MarianneCore

/// The in-process API: what a Swift program embedding the scheduler calls directly,
/// without a socket. Every method is the same operation the socket methods perform.
extension JobScheduler {
    /// How long this scheduler has been up, e.g. `2h 15m`.
    public var uptime: String {
        DurationFormatter.human(Date().timeIntervalSince(startedAt))
    }

    /// Starts a module job and returns its id (the module id unless `id` is given).
    public func startJob(
        moduleID: String, inputs: [String: JSONValue] = [:], settings: [String: JSONValue] = [:],
        checkpoint: JSONValue? = nil, maxDuration: String? = nil, id: String? = nil
    ) async throws -> String {
        try startModule(
            StartModuleParams(moduleID: moduleID, inputs: inputs, settings: settings, maxDuration: maxDuration, id: id),
            checkpoint: checkpoint
        ).jobID
    }

    /// Submits a score file and returns the job id.
    public func submitScore(path: String, id: String? = nil) async throws -> String {
        try submit(SubmitParams(configPath: path, id: id)).jobID
    }

    /// Resumes a paused, failed, cancelled or stopped job from its checkpoint.
    public func resumeJob(_ jobID: String) async throws {
        _ = try await resume(ResumeParams(jobID: jobID))
    }

    /// Pauses a job at its next boundary.
    public func pauseJob(_ jobID: String) async throws {
        _ = try await pause(PauseParams(jobID: jobID))
    }

    /// Cancels a job; returns false when it was not active.
    @discardableResult
    public func stopJob(_ jobID: String) async -> Bool {
        (try? await cancel(JobIDParams(jobID: jobID))) != nil
    }

    /// Counts by status, running jobs and modules.
    public func status() async -> JobsSummary {
        await summary()
    }

    /// One job's summary and sheets.
    public func jobStatus(_ jobID: String) async throws -> JobStatusResult {
        try await status(JobIDParams(jobID: jobID))
    }

    /// Waits until the job is terminal or paused.
    public func waitForJob(_ jobID: String, timeout: Double? = nil) async throws -> JobSummary {
        try await wait(WaitParams(jobID: jobID, timeout: timeout)).job
    }

    /// The job's log so far.
    public func logEntries(_ jobID: String, since: Int = 0) throws -> [LogEntry] {
        try registry.logs(jobID, since: since, minimumRank: 0, tail: nil)
    }

    /// Results the job saved, in order.
    public func jobResults(_ jobID: String) throws -> [JobResultEntry] {
        try registry.results(jobID)
    }

    /// New log entries of a job as they are appended, until the job ends. Cancelling the
    /// consuming task (or dropping the stream) ends the subscription.
    public nonisolated func subscribeLogs(jobID: String) -> AsyncStream<LogEntry> {
        logHub.follow(jobID)
    }

    /// Resumes the jobs a previous conductor left running or pending; returns how many.
    public func resumeInterruptedJobs() async -> Int {
        await recoverInterruptedJobs()
    }
}
