import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt logs ID`: a job's log; `-f` follows it until the job ends.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Show a job's log; with -f, follow it until the job ends.",
        discussion: "While following, a dropped connection is re-established and resumes after the last entry seen."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job id.") var jobID: String
    @Flag(name: .shortAndLong, help: "Follow new entries until the job ends; exit 0 if it completed.") var follow = false
    @Option(name: .shortAndLong, help: "Only the last N entries of the history.") var n: Int?
    @Option(help: "Only entries after this sequence number.") var since: Int?
    @Option(help: "Minimum level: DEBUG, INFO, WARNING, ERROR.") var level: String?

    func validate() throws {
        try NumericFlags.count(n, flag: "-n", in: 0...10_000_000)
        try NumericFlags.count(since, flag: "--since", in: 0...Int.max)
    }

    func run() async throws {
        try await global.withClient { client in
            let params = LogsParams(jobID: jobID, tail: n, since: since, level: level, follow: follow ? true : nil)
            if !follow {
                let result = try await client.call(RPCMethods.jobLogs, params)
                for entry in result.entries { LogPrinter.print(entry, json: global.json) }
                return
            }
            let result = try await LogPrinter.follow(client: client, params: params, json: global.json)
            if result.status != .completed { throw ExitCode(ExitCodes.failed) }
        }
    }
}
