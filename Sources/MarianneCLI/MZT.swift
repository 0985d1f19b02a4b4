import ArgumentParser
import MarianneProtocol

/// The `mzt` command: a thin client of the conductor.
public struct MZT: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mzt",
        abstract: "Run and control jobs through the Marianne conductor.",
        version: marianneVersion,
        subcommands: [
        ]
    )

    public init() {}
}
