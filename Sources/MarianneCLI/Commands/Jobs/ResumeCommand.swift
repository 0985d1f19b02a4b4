import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt resume ID`: continue from the checkpoint.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Resume a paused, failed, cancelled or stopped job from its checkpoint."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job id.", completion: .custom(Completions.activeJobIDs)) var jobID: String
    @Flag(help: "Re-read the score file instead of the snapshot in the checkpoint.") var reload = false

    func run() async throws {
        try await global.withClient { client in
            let result = try await client.call(RPCMethods.jobResume, ResumeParams(jobID: jobID, reload: reload ? true : nil))
            print(global.json ? Render.json(result) : result.message)
        }
    }
}
