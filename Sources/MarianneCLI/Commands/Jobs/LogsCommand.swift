import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt logs ID`: a job's log (or, with --output, its sheets' own output); `-f` follows it
/// until the job ends.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Show a job's log; with -f, follow it until the job ends.",
        discussion: """
            While following, a dropped connection is re-established and resumes after the last entry seen. With --output, \
            show what the job's sheets wrote to standard output and standard error (each attempt under a header), instead \
            of the job's events; -f follows it live.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job id.", completion: .custom(Completions.jobIDs)) var jobID: String
    @Flag(name: .shortAndLong, help: "Follow until the job ends; exit 0 if it completed.") var follow = false
    @Option(name: [.customShort("n"), .customLong("lines")], help: ArgumentHelp("Only the last N entries.", valueName: "n")) var lines: Int?
    @Option(help: ArgumentHelp("Only entries after this sequence number.", valueName: "seq")) var since: Int?
    @Option(help: "Only entries of this level and above.") var level: LogLevel?
    @Flag(help: "The sheets' own standard output and error, not the job's events.") var output = false
    @Option(help: ArgumentHelp("With --output: only this sheet.", valueName: "n")) var sheet: Int?

    func validate() throws {
        try NumericFlags.count(lines, flag: "--lines", in: 0...10_000_000)
        try NumericFlags.count(since, flag: "--since", in: 0...Int.max)
        try NumericFlags.count(sheet, flag: "--sheet", in: 1...10_000_000)
        if !output, sheet != nil { throw ValidationError("--sheet goes with --output") }
        if output, since != nil || level != nil { throw ValidationError("--since and --level are for the job's log, not --output") }
    }

    func run() async throws {
        try await global.withClient { client in
            if output {
                let status = try await OutputPrinter(client: client, jobID: jobID, sheet: sheet, json: global.json).run(follow: follow, tailLines: lines)
                if follow, status != .completed { throw ExitCode(ExitCodes.failed) }
                return
            }
            let params = LogsParams(jobID: jobID, tail: lines, since: since, level: level?.rawValue, follow: follow ? true : nil)
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

/// Log levels, as `--level` takes them (any case).
enum LogLevel: String, CaseIterable, ExpressibleByArgument {
    case DEBUG, INFO, WARNING, ERROR

    init?(argument: String) {
        self.init(rawValue: argument.uppercased())
    }
}
