import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt group add|list|remove`: queue groups, each with its own parallelism.
struct GroupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group",
        abstract: "Add, list and remove queue groups (each runs at most N jobs at once).",
        discussion: "Jobs go to a group with --group on submit, add and run. The default group's parallelism is max_concurrent_jobs; mzt parallel changes any group's at run time.",
        subcommands: [GroupListCommand.self, GroupAddCommand.self, GroupRemoveCommand.self],
        defaultSubcommand: GroupListCommand.self
    )

    /// The groups as a table.
    static func print(_ result: GroupListResult, json: Bool) {
        if json {
            Swift.print(Render.json(result))
            return
        }
        let rows = result.groups.map { [$0.name, "\($0.parallel)", "\($0.running)", "\($0.pending)"] }
        Swift.print(Render.table(["GROUP", "PARALLEL", "RUNNING", "PENDING"], rows))
    }
}

struct GroupListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the groups, their parallelism and jobs.")
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await global.withClient { client in
            GroupCommand.print(try await client.call(RPCMethods.groupList, Empty()), json: global.json)
        }
    }
}

struct GroupAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a group.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The group's name.") var name: String
    @Option(name: .shortAndLong, help: "Jobs of the group that may run at once (1-10000).") var parallel = 1

    func validate() throws {
        try NumericFlags.count(parallel, flag: "--parallel", in: 1...10_000)
    }

    func run() async throws {
        try await global.withClient { client in
            GroupCommand.print(try await client.call(RPCMethods.groupAdd, GroupParams(name: name, parallel: parallel)), json: global.json)
        }
    }
}

struct GroupRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a group that has no pending or running job.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The group's name.") var name: String

    func run() async throws {
        try await global.withClient { client in
            GroupCommand.print(try await client.call(RPCMethods.groupRemove, GroupParams(name: name)), json: global.json)
        }
    }
}
