import ArgumentParser
import Foundation
import MarianneClient
import MarianneProtocol

/// What `submit`, `add`, `run` and `restart-job` print once the conductor took a job: its
/// warnings on standard error, then the id (or, with --wait / --follow, how it ended).
enum SubmissionOutput {
    static func finish(_ result: SubmitResult, client: DaemonClient, global: GlobalOptions, wait: Bool, follow: Bool, verb: String = "submitted") async throws {
        try await finish(result, client: client, json: global.json, wait: wait, follow: follow, verb: verb)
    }

    static func finish(_ result: SubmitResult, client: DaemonClient, json: Bool, wait: Bool, follow: Bool, verb: String = "submitted") async throws {
        guard follow else { return try finishNow(result, client: client, json: json, wait: wait) }
        warn(result)
        if !json { print("\(result.jobID) \(verb)") }
        let logs = try await LogPrinter.follow(client: client, params: LogsParams(jobID: result.jobID, follow: true), json: json)
        if !json {
            let end = TerminalText.forStdout("\(result.jobID) \(logs.status.rawValue)" + (logs.error.map { ": \($0)" } ?? ""))
            print(Palette.stdout.status(logs.status, end))
        }
        if logs.status != .completed { throw ExitCode(ExitCodes.failed) }
    }

    /// The same without following the logs, and without suspending: a `--wait` blocks the
    /// calling thread until the job ends (the quick path runs it on the main thread).
    static func finishNow(_ result: SubmitResult, client: DaemonClient, json: Bool, wait: Bool) throws {
        warn(result)
        if wait {
            // A job may run for days: this wait has no time limit.
            let waited = try client.callNow(RPCMethods.jobWait, WaitParams(jobID: result.jobID), timeout: .infinity)
            if json {
                print(Render.json(waited.job))
            } else {
                print(Palette.stdout.status(waited.job.status, "\(result.jobID) \(waited.job.status.rawValue)"))
            }
            if waited.job.status != .completed { throw ExitCode(ExitCodes.failed) }
            return
        }
        if json {
            print(Render.json(result))
        } else if let position = result.queuePosition {
            print("\(result.jobID) (pending, position \(position) in the queue)")
        } else {
            print(result.jobID)
        }
    }

    private static func warn(_ result: SubmitResult) {
        for warning in result.warnings ?? [] {
            FileHandle.standardError.write(Data("\(Palette.stderr.warningLabel) \(warning)\n".utf8))
        }
    }
}
