import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt wait ID`: blocks until the job ends.
struct WaitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait for a job to end; exit 0 if it completed, 1 otherwise.",
        discussion: "A paused job also ends the wait (exit 1). With --timeout, a job still running when it passes exits 75."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The job id.")
    var jobID: String

    @Option(help: "Give up after this many seconds.")
    var timeout: Double?

    func validate() throws {
        try NumericFlags.seconds(timeout, flag: "--timeout")
    }

    func run() async throws {
        try await global.withClient { client in
            let result = try await client.call(
                RPCMethods.jobWait, WaitParams(jobID: jobID, timeout: timeout),
                timeout: timeout.map { $0 + 5 } ?? .infinity
            )
            if global.json {
                print(Render.json(result))
            } else {
                print("\(jobID) \(result.job.status.rawValue)" + (result.timedOut ? " (timed out waiting)" : ""))
            }
            if result.timedOut { throw ExitCode(ExitCodes.busy) }
            if result.job.status != .completed { throw ExitCode(ExitCodes.failed) }
        }
    }
}
