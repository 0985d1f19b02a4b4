import Foundation
import MarianneCore
import MarianneProtocol

/// The in-process API: what a Swift program embedding the engine calls directly, without a
/// socket. Every method is the operation the socket method of the same name performs;
/// errors are `JobError`s.
extension JobScheduler {
    /// How long this scheduler has been up, e.g. `2h 15m`.
    public var uptime: String {
        DurationFormatter.human(Date().timeIntervalSince(startedAt))
    }

    /// Submits a score (`job.submit`).
    public func submit(_ params: SubmitParams) async throws -> SubmitResult {
        try await submission.submit(params)
    }

    /// Starts a module job and returns its id (the module id unless `id` is given).
    public func startJob(
        moduleID: String, inputs: [String: JSONValue] = [:], settings: [String: JSONValue] = [:],
        checkpoint: JSONValue? = nil, maxDuration: String? = nil, id: String? = nil
    ) async throws -> String {
        try await submission.startModule(
            StartModuleParams(moduleID: moduleID, inputs: inputs, settings: settings, maxDuration: maxDuration, id: id),
            checkpoint: checkpoint
        ).jobID
    }

    /// Submits a score file and returns the job id.
    public func submitScore(path: String, id: String? = nil) async throws -> String {
        try await submission.submit(SubmitParams(configPath: path, id: id)).jobID
    }

    /// Resumes a paused, failed, cancelled or stopped job from its checkpoint.
    public func resumeJob(_ jobID: String) async throws {
        _ = try await control.resume(jobID, reload: false)
    }

    /// Pauses a job at its next boundary.
    public func pauseJob(_ jobID: String) async throws {
        _ = try await control.pause(jobID, now: false)
    }

    /// Cancels a job; returns false when it was not active.
    @discardableResult
    public func stopJob(_ jobID: String) async -> Bool {
        (try? await control.cancel(jobID)) != nil
    }

    /// Counts by status, running jobs and modules.
    public func status() async -> JobsSummary {
        await summary()
    }

    /// One job's summary and sheets.
    public func jobStatus(_ jobID: String) async throws -> JobStatusResult {
        try await queries.status(jobID)
    }

    /// Waits until the job is terminal or paused.
    public func waitForJob(_ jobID: String, timeout: Double? = nil) async throws -> JobSummary {
        try await queries.wait(jobID, timeout: timeout).job
    }

    /// The job's log so far.
    public func logEntries(_ jobID: String, since: Int = 0) async throws -> [LogEntry] {
        try await logReader.read(LogsParams(jobID: jobID, since: since)) { _ in }.entries
    }

    /// Results the job saved, in order.
    public func jobResults(_ jobID: String) async throws -> [JobResultEntry] {
        try await queries.results(jobID).results
    }

    /// New log entries of a job as they are appended, until the job ends. Cancelling the
    /// consuming task (or dropping the stream) ends the subscription.
    public func subscribeLogs(jobID: String) -> AsyncStream<LogEntry> {
        log.hub.follow(jobID)
    }

    /// Resumes the jobs a previous conductor left running or pending; returns how many.
    public func resumeInterruptedJobs() async -> Int {
        await recoverInterruptedJobs()
    }
}
