import ArgumentParser
import MarianneCore

/// The command names `mzt` knows, to name an unknown one (`mzt rerun x`, `mzt help nosuch`)
/// instead of ArgumentParser's "unexpected arguments".
enum CommandNames {
    /// The top-level command names.
    static var all: [String] {
        MZT.configuration.subcommands.map { $0.configuration.commandName ?? "" }.filter { !$0.isEmpty }
    }

    /// What is wrong with the first words of `arguments`; nil when they name a command.
    static func problem(_ arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-") else { return nil }
        let known = all
        if first == "help" {
            guard arguments.count > 1, !arguments[1].hasPrefix("-"), !known.contains(arguments[1]) else { return nil }
            return unknown(arguments[1], known: known)
        }
        return known.contains(first) ? nil : unknown(first, known: known)
    }

    static func unknown(_ name: String, known: [String]) -> String {
        let close = Spelling.closest(to: name, in: Set(known))
        let prefixed = known.filter { $0.hasPrefix(name) || name.hasPrefix($0) }.first
        let hint = (close ?? prefixed).map { "; did you mean '\($0)'?" } ?? ""
        return "unknown command '\(name)'\(hint) (mzt --help lists the commands)"
    }
}
