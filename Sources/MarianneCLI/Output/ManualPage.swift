import Foundation

/// `mzt.1`, written from the commands themselves (ArgumentParser's description of every
/// command, option and argument), so the manual can never disagree with `--help`.
enum ManualPage {
    struct Tool: Decodable { var command: Command }

    struct Command: Decodable {
        var commandName: String
        var abstract: String?
        var discussion: String?
        var shouldDisplay: Bool?
        var subcommands: [Command]?
        var arguments: [Argument]?
    }

    struct Argument: Decodable {
        struct Name: Decodable {
            var kind: String
            var name: String
        }
        var kind: String
        var shouldDisplay: Bool
        var isOptional: Bool
        var isRepeating: Bool
        var names: [Name]?
        var valueName: String?
        var defaultValue: String?
        var allValues: [String]?
        var abstract: String?
    }

    /// The page in `man(7)` macros; nil when the description cannot be read.
    static func render(dump: String, date: Date = Date()) -> String? {
        guard let tool = try? JSONDecoder().decode(Tool.self, from: Data(dump.utf8)) else { return nil }
        let root = tool.command
        let day = ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
        var lines = [
            ".TH MZT 1 \"\(day)\" \"Marianne\" \"User Commands\"",
            ".SH NAME",
            "mzt \\- \(escape(root.abstract ?? ""))",
            ".SH SYNOPSIS",
            ".B mzt",
            ".I command",
            "[options]",
            ".SH DESCRIPTION",
            escape(root.discussion ?? ""),
            ".SH COMMANDS",
        ]
        for command in root.subcommands ?? [] where command.shouldDisplay != false {
            lines += section(command, path: ["mzt"])
        }
        lines += [
            ".SH ENVIRONMENT",
            ".TP", ".B MZT_HOME", "The conductor's home (default ~/.marianne).",
            ".TP", ".B NO_COLOR", "When set and not empty, no colour is used (colour is used only on terminals).",
            ".SH FILES",
            ".TP", ".I $MZT_HOME/conductor.yaml", "The conductor's settings (mzt config show).",
            ".SH SEE ALSO",
            "Docs/CLI.md, Docs/SCORES.md, Docs/PROTOCOL.md",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    static func section(_ command: Command, path: [String]) -> [String] {
        let full = path + [command.commandName]
        var lines = [".SS \(escape(full.dropFirst().joined(separator: " ")))", ".B \(escape(full.joined(separator: " ")))"]
        lines.append(escape(synopsis(command)))
        lines.append(".PP")
        lines.append(escape(command.abstract ?? ""))
        if let discussion = command.discussion, !discussion.isEmpty {
            lines.append(".PP")
            lines.append(escape(discussion))
        }
        for argument in command.arguments ?? [] where argument.shouldDisplay && !isGlobal(argument) {
            lines.append(".TP")
            lines.append("\\fB\(escape(label(argument)))\\fR")
            var text = argument.abstract ?? ""
            if let values = argument.allValues, !values.isEmpty, argument.kind != "flag" { text += " (values: \(values.joined(separator: ", ")))" }
            if let value = argument.defaultValue, argument.kind == "option" { text += " (default: \(value))" }
            lines.append(escape(text))
        }
        for sub in command.subcommands ?? [] where sub.shouldDisplay != false {
            lines += section(sub, path: full)
        }
        return lines
    }

    /// `--home` and `--json` are everywhere; the page says so once.
    static func isGlobal(_ argument: Argument) -> Bool {
        ["help", "home", "version"].contains(argument.names?.first { $0.kind == "long" }?.name ?? "")
    }

    static func label(_ argument: Argument) -> String {
        let names = (argument.names ?? []).map { $0.kind == "short" ? "-\($0.name)" : "--\($0.name)" }
        let value = argument.valueName.map { "<\($0)>" } ?? ""
        switch argument.kind {
        case "positional": return value.isEmpty ? "<argument>" : value + (argument.isRepeating ? "..." : "")
        case "flag": return names.joined(separator: ", ")
        default: return names.joined(separator: ", ") + " " + value
        }
    }

    static func synopsis(_ command: Command) -> String {
        (command.arguments ?? []).filter { $0.shouldDisplay && !isGlobal($0) }.map { argument in
            let text = label(argument).split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            return argument.isOptional ? "[\(text)]" : text
        }.joined(separator: " ")
    }

    /// Text safe in roff: backslashes doubled, a leading dot or quote protected.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\e").split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix(".") || line.hasPrefix("'") ? "\\&" + line : String(line).replacingOccurrences(of: "-", with: "\\-")
        }.joined(separator: "\n")
    }
}
