import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt parallel N [--group G]`: how many jobs of a group run at once, changed now.
struct ParallelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parallel",
        abstract: "Set how many jobs of a group may run at once, now, without a restart.",
        discussion: "Without --group it is the default group (max_concurrent_jobs, until the conductor restarts); a named group keeps its value. Raising it starts waiting jobs at once; lowering it lets running jobs finish."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Jobs at once (1-10000).") var parallel: Int
    @Option(name: .shortAndLong, help: "The group (default: the default group).") var group: String?

    func validate() throws {
        try NumericFlags.count(parallel, flag: "parallel", in: 1...10_000)
    }

    func run() async throws {
        try await global.withClient { client in
            GroupCommand.print(try await client.call(RPCMethods.groupParallel, GroupParams(name: group, parallel: parallel)), json: global.json)
        }
    }
}
