import ArgumentParser
import Foundation
import MarianneProtocol

/// `mzt config show|check`: the conductor's settings (`MZT_HOME/conductor.yaml`).
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show or check the conductor's settings (conductor.yaml).",
        subcommands: [ConfigShowCommand.self, ConfigCheckCommand.self],
        defaultSubcommand: ConfigShowCommand.self
    )
}

struct ConfigShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the settings a conductor started now would use (defaults included).",
        discussion: "Exit 65 when conductor.yaml is invalid (the error is printed)."
    )
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        guard let report = ConfigReport.check(home: global.home) else { throw ExitCode(ExitCodes.failed) }
        if global.json {
            print(Render.json(report.settings ?? .null))
        } else if let settings = report.settings, case .object(let object) = settings {
            print("# \(report.path)\(report.exists ? "" : " (absent: defaults)")")
            for key in object.keys.sorted() { print("\(key): \(Self.text(object[key] ?? .null))") }
        }
        for warning in report.warnings { Problem.warning(warning) }
        if !report.valid {
            Problem.error(report.error ?? "invalid settings")
            throw ExitCode(ExitCodes.invalidInput)
        }
    }

    static func text(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): "\(flag)"
        case .int(let number): "\(number)"
        case .double(let number): number == number.rounded() && abs(number) < 1e15 ? "\(Int(number))" : "\(number)"
        case .string(let text): text
        case .object(let object): "{" + object.keys.sorted().map { "\($0): \(text(object[$0] ?? .null))" }.joined(separator: ", ") + "}"
        case .array(let items): "[" + items.map(text).joined(separator: ", ") + "]"
        }
    }
}

struct ConfigCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check conductor.yaml without starting anything: exit 0 valid, 65 invalid.",
        discussion: "Unknown settings are errors that suggest the closest known one; Marianne's settings this conductor does not have are warnings."
    )
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        guard let report = ConfigReport.check(home: global.home) else { throw ExitCode(ExitCodes.failed) }
        if global.json {
            print(Render.json(["valid": JSONValue.bool(report.valid), "path": .string(report.path), "error": report.error.map(JSONValue.string) ?? .null,
                               "warnings": .array(report.warnings.map(JSONValue.string))]))
        } else {
            for warning in report.warnings { Problem.warning(warning) }
            if report.valid { print("\(report.path): \(report.exists ? "valid" : "absent (defaults apply)")") }
        }
        if !report.valid {
            Problem.error(report.error ?? "invalid settings")
            throw ExitCode(ExitCodes.invalidInput)
        }
    }
}
