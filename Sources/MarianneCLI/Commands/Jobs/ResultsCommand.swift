import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt results ID`: what a job saved.
struct ResultsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "List the results a job saved, in order."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job id.", completion: .custom(Completions.jobIDs)) var jobID: String

    func run() async throws {
        try await global.withClient { client in
            let result = try await client.call(RPCMethods.jobResults, JobIDParams(jobID: jobID))
            if global.json {
                Swift.print(TerminalText.jsonForStdout(Render.json(result)))
                return
            }
            if result.results.isEmpty { Swift.print("\(jobID): no results") }
            for entry in result.results {
                Swift.print("\(entry.seq)  \(Render.time(entry.timestamp))  \(TerminalText.jsonForStdout(Render.jsonLine(entry.data)))")
            }
        }
    }
}
