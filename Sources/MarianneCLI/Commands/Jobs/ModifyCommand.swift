import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt modify ID --config FILE [--resume]` (Marianne's): pause the job if it runs, give it
/// a new score (its completed sheets stay done), and with --resume continue it.
struct ModifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modify",
        abstract: "Change a job's score (pausing it first if it runs); --resume continues it.",
        discussion: "A running job is paused at its next sheet boundary first (this waits for it, up to --timeout seconds). Sheets the job completed stay completed; the others run from the new score. Without --resume, mzt resume continues it later."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job.", completion: .custom(Completions.jobIDs)) var jobID: String
    @Option(name: [.customShort("c"), .customLong("config")], help: "The new score file.", completion: .file(extensions: ["yaml", "yml"]))
    var config: String
    @Flag(name: .shortAndLong, help: "Continue the job with the new score.") var resume = false
    @Flag(help: "Accepted for Marianne's scripts: modify always waits for a running job to pause.") var wait = false
    @Option(name: .shortAndLong, help: "Seconds to wait for a running job to pause.") var timeout: Double = 60

    func validate() throws {
        try NumericFlags.seconds(timeout, flag: "--timeout")
    }

    func run() async throws {
        let path = config.absolutePath(relativeTo: FileManager.default.currentDirectoryPath)
        guard let data = FileManager.default.contents(atPath: path) else {
            Problem.error("cannot read \(config): no such file or not readable")
            throw ExitCode(ExitCodes.cannotRead)
        }
        try await global.withClient { client in
            let status = try await client.call(RPCMethods.jobStatus, JobIDParams(jobID: jobID)).job.status
            if status == .running || status == .pending {
                let paused = try await client.call(RPCMethods.jobPause, PauseParams(jobID: jobID))
                if paused.status != .paused {
                    let waited = try await client.call(RPCMethods.jobWait, WaitParams(jobID: jobID, timeout: timeout), timeout: timeout + 5)
                    guard waited.job.status == .paused || waited.job.status.isTerminal, !waited.timedOut else {
                        Problem.error("\(jobID) did not pause within \(Int(timeout))s; nothing was changed")
                        throw ExitCode(ExitCodes.busy)
                    }
                }
            }
            let params = EditParams(
                jobID: jobID, configContent: String(decoding: data, as: UTF8.self),
                baseDirectory: (path as NSString).deletingLastPathComponent, resume: resume
            )
            let result = try await client.call(RPCMethods.jobEdit, params)
            print(global.json ? Render.json(result) : result.message)
        }
    }
}
