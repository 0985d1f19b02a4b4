import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt pause ID`: pause at the next sheet boundary.
struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Pause a job at its next sheet boundary.",
        discussion: "Same as creating the file .marianne-pause-ID in the job's workspace."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job id.", completion: .custom(Completions.activeJobIDs)) var jobID: String
    @Flag(help: "Block until the job is paused.") var wait = false
    @Option(help: "With --wait, give up after this many seconds (exit 75).") var timeout: Double?
    @Flag(help: "Also stop the running processes now (SIGSTOP); resume continues them.") var now = false

    func validate() throws {
        try NumericFlags.seconds(timeout, flag: "--timeout")
    }

    func run() async throws {
        try await global.withClient { client in
            let result = try await client.call(RPCMethods.jobPause, PauseParams(jobID: jobID, now: now ? true : nil))
            try await JobActionOutput.finish(result, client: client, global: global, wait: wait && result.status != .paused, timeout: timeout, action: "pause")
        }
    }
}
