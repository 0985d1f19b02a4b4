import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient
import MarianneCore

/// `mzt module install|list`.
struct ModuleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "module",
        abstract: "Install and list modules.",
        subcommands: [ModuleInstallCommand.self, ModuleListCommand.self]
    )
}
