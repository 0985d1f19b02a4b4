import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt cancel ID`: stop the job's processes (TERM, then KILL after the grace period).
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a job: TERM its running process groups, KILL after the grace period.",
        discussion: "Same as creating the file .marianne-cancel-ID in the job's workspace."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job id.", completion: .custom(Completions.activeJobIDs)) var jobID: String
    @Flag(help: "Block until the job has ended.") var wait = false

    func run() async throws {
        try await global.withClient { client in
            let result = try await client.call(RPCMethods.jobCancel, JobIDParams(jobID: jobID))
            try await JobActionOutput.finish(result, client: client, global: global, wait: wait && !result.status.isTerminal, timeout: nil, action: "end")
        }
    }
}
