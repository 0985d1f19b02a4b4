import Foundation
import MarianneCore
import MarianneProtocol

/// Something the queue runs for a job: the score runner or a module runner.
protocol JobRunner: Sendable {
    func run() async -> RunOutcome
    /// Stops the job's processes now (TERM, then KILL after the grace period).
    func requestStop(_ request: StopRequest) async
    /// Pause at the next boundary (a score: the next sheet; a module: now, to be started
    /// again from its checkpoint).
    func requestPause() async
    /// Stops (`SIGSTOP`) or continues (`SIGCONT`) the running process groups, and records
    /// the job as paused (or running again) in its checkpoint.
    func freeze(_ frozen: Bool) async
    /// Process id of a process in flight (for `job.health`).
    func currentPID() async -> Int32?
    /// The job's state as the runner holds it now (fresher than the checkpoint file).
    func snapshot() async -> JobCheckpoint
}
