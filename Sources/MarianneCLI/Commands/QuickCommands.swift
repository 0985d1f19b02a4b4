import ArgumentParser
import Foundation

/// The read-only commands scripts run most (`list`, `status ID`, `conductor-status`, each
/// with or without `--json`), recognised before the argument parser: building its model of
/// every command costs about 14 M instructions, two thirds of such a command. Any other
/// word (a flag, `--help`, a second id) leaves the line to the parser, which then behaves
/// exactly as without this path.
enum QuickCommands {
    /// Runs `arguments` (without the program name) and exits, or returns when it is not one
    /// of the quick forms.
    static func run(_ arguments: [String]) async {
        guard let command = arguments.first else { return }
        var json = false
        var operands: [String] = []
        for word in arguments.dropFirst() {
            if word == "--json" { json = true } else if word.hasPrefix("-") { return } else { operands.append(word) }
        }
        let context = ClientContext(homePath: nil, json: json)
        let perform: () async throws -> Void
        switch (command, operands.count) {
        case ("list", 0): perform = { try await ListCommand.perform(context, status: [], name: nil, limit: nil, all: false, wide: false) }
        case ("conductor-status", 0): perform = { try await ConductorStatusCommand.perform(context) }
        case ("status", 1): perform = { try await StatusCommand.perform(context, jobID: operands[0], watch: false) }
        default: return
        }
        do {
            try await perform()
            exit(0)
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            // Nothing was changed (these commands only read): the parser's path says it its way.
            return
        }
    }
}
