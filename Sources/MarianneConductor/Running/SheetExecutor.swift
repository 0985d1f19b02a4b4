import Foundation
import MarianneCore
import MarianneProtocol

/// What the runner records of an attempt in flight: the process group of a local attempt,
/// or the Slurm job of one (reported again whenever what is known of it changes).
enum AttemptHandle: Sendable {
    case process(StartedProcess)
    /// `durable`: the record names a job or a submission the checkpoint must hold before
    /// the attempt goes on (a restarted conductor re-attaches to it); otherwise only the
    /// state shown by `mzt status` changed.
    case slurm(SlurmAttemptRecord, durable: Bool)
}

/// One attempt's prepared command and where its output goes.
struct ExecutionRequest: Sendable {
    var jobID: String
    var sheet: Int
    var attempt: Int
    var workspace: String
    /// What to run; nil when re-attaching to a job an earlier conductor submitted.
    var command: ProcessSpec?
    var stdoutPath: String
    var stderrPath: String
    /// Each output line, when the score streams output into the job log.
    var output: (stdout: OutputLines, stderr: OutputLines)?
    var timeout: Double?
    var grace: Double
    /// The Slurm job an earlier conductor recorded for this attempt: followed, not submitted.
    var reattach: SlurmAttemptRecord?
}

/// How an attempt's command ended.
struct ExecutionResult: Sendable, Equatable {
    var status: ExitStatus
    var timedOut = false
    /// Stopped by a cancel, the duration limit or a shutdown.
    var cancelled = false
    /// Why it failed when the exit status alone does not say (a Slurm state).
    var failure: String?
    /// The Slurm job is gone (its controller lost it, or a re-attached job no longer
    /// exists as this attempt's): the attempt is submitted again, without spending a retry.
    var lost = false
}

/// Runs an attempt's prepared command: on this machine (`LocalExecutor`) or as a Slurm job
/// (`SlurmExecutor`). Rendering, validations, retries and rate limits are the same for both
/// (`SheetAttempt`, `ScoreRunner`). Cancelling the calling task stops the command.
protocol SheetExecutor: Sendable {
    func execute(_ request: ExecutionRequest, handle: @escaping @Sendable (AttemptHandle) async -> Void) async throws(SpawnError) -> ExecutionResult
}

/// A child process of the conductor, in its own process group (`ProcessRunner`).
struct LocalExecutor: SheetExecutor {
    func execute(_ request: ExecutionRequest, handle: @escaping @Sendable (AttemptHandle) async -> Void) async throws(SpawnError) -> ExecutionResult {
        guard let spec = request.command else { throw SpawnError(.system, "a local attempt cannot be re-attached") }
        let outcome = try await ProcessRunner.run(spec, timeout: request.timeout, grace: request.grace) { await handle(.process($0)) }
        return ExecutionResult(status: outcome.status, timedOut: outcome.timedOut, cancelled: outcome.cancelled)
    }
}
