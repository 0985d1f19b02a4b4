import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt delete ID`: forget a finished job.
struct DeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Remove a finished job from the registry (its workspace is left alone)."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job id.", completion: .custom(Completions.jobIDs)) var jobID: String

    func run() async throws {
        try await global.withClient { client in
            let result = try await client.call(RPCMethods.jobDelete, JobIDParams(jobID: jobID))
            print(global.json ? Render.json(result) : "deleted \(jobID)")
        }
    }
}
