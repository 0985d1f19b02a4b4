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
    @Option(help: "Only jobs with this status (completed, failed, cancelled, stopped).") var status: [JobStatus] = []
    @Option(name: .customLong("older-than"), help: "Only jobs that finished at least this long ago, e.g. 7d.") var olderThan: String?

    func run() async throws {
        try await global.withClient { client in
            let result = try await client.call(
                RPCMethods.jobClear, ClearParams(status: status.isEmpty ? nil : status, olderThan: olderThan)
            )
            print(global.json ? Render.json(result) : "removed \(result.removed.count) job\(result.removed.count == 1 ? "" : "s")")
        }
    }
}
