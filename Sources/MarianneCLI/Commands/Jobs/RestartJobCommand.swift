import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt restart-job ID`: run what a finished job ran again, as a new job; the old one, its
/// log and results stay.
struct RestartJobCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart-job",
        abstract: "Run a finished job again as a new job (the old one is kept).",
        discussion: "The new job runs the old one's score (or module request) in the same workspace, in the same group and with the same label. Its id is --id, or the old id with -2, -3, ... appended."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The finished job.", completion: .custom(Completions.jobIDs)) var jobID: String
    @Option(help: "The new job's id.") var id: String?
    @Flag(help: "Wait for the new job to end; exit 0 if it completed.") var wait = false
    @Flag(help: "Stream the new job's log until it ends.") var follow = false

    func validate() throws {
        if let id { try AddCommand.checkID(id) }
    }

    func run() async throws {
        try await global.withClient { client in
            let result = try await client.call(RPCMethods.jobRestart, RestartParams(jobID: jobID, id: id))
            try await SubmissionOutput.finish(result, client: client, global: global, wait: wait, follow: follow, verb: "started")
        }
    }
}
