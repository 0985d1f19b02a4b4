import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt clear`: forget finished jobs in bulk.
struct ClearCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear",
        abstract: "Remove finished jobs from the registry; active jobs are never touched."
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only jobs with this status.") var status: [FinishedStatus] = []
    @Option(name: .customLong("older-than"), help: ArgumentHelp("Only jobs that finished at least this long ago, e.g. 7d.", valueName: "duration"))
    var olderThan: String?

    func validate() throws {
        try NumericFlags.duration(olderThan, flag: "--older-than", maximum: 100 * 365 * 86_400)
    }

    func run() async throws {
        try await global.withClient { client in
            let statuses = status.map(\.jobStatus)
            let result = try await client.call(RPCMethods.jobClear, ClearParams(status: statuses.isEmpty ? nil : statuses, olderThan: olderThan))
            print(global.json ? Render.json(result) : "removed \(result.removed.count) job\(result.removed.count == 1 ? "" : "s")")
        }
    }
}

/// The statuses of finished jobs, as `clear --status` accepts them.
enum FinishedStatus: String, CaseIterable, ExpressibleByArgument {
    case completed, failed, cancelled, stopped

    var jobStatus: JobStatus { JobStatus(rawValue: rawValue) ?? .completed }
}
