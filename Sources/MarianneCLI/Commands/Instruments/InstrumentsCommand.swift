import ArgumentParser
import Foundation
import MarianneCore
import MarianneProtocol

/// `mzt instruments list|check`: the instruments scores can play (the builtins, the profiles
/// in `$MZT_HOME/instruments/` and `./.marianne/instruments/`) and whether each is ready here.
struct InstrumentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instruments",
        abstract: "List the instruments and check whether one is ready to play.",
        discussion: "Profiles come from the builtins, $MZT_HOME/instruments/ and ./.marianne/instruments/ (later ones replace earlier ones). Needs no conductor; binaries and credentials are looked up in this shell's environment.",
        subcommands: [InstrumentsListCommand.self, InstrumentsCheckCommand.self],
        defaultSubcommand: InstrumentsListCommand.self
    )

    /// The profiles `mzt` sees: builtins, the home's, the current folder's.
    static func catalog(home: String?) -> InstrumentCatalog {
        let root = ConductorHome.resolve(explicit: home).root
        return InstrumentCatalog.load(directories: [
            InstrumentCatalog.userDirectory(home: root),
            InstrumentCatalog.scoreDirectory(FileManager.default.currentDirectoryPath),
        ])
    }

    /// Writes the profile problems to stderr, one per line.
    static func report(_ problems: [InstrumentProfileProblem]) {
        for problem in problems {
            FileHandle.standardError.write(Data("Error: \(problem)\n".utf8))
        }
    }
}

/// `mzt instruments list [--json]`.
struct InstrumentsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List every instrument: name, kind, whether its program is found, default model, where the profile comes from.",
        discussion: "Exit 0; 65 when a profile file is invalid (each problem names the file and the field)."
    )

    @Option(name: .customLong("home"), help: "The conductor's home (default: $MZT_HOME, else ~/.marianne).") var homePath: String?
    @Flag(help: "Machine-readable JSON output.") var json = false

    func run() throws {
        let catalog = InstrumentsCommand.catalog(home: homePath)
        let path = ProcessInfo.processInfo.environment["PATH"]
        let entries = catalog.profiles.values.sorted { $0.name < $1.name }.map { InstrumentReadiness.summary($0, path: path) }
        if json {
            print(Render.json(InstrumentListing(instruments: entries, problems: catalog.problems)))
        } else {
            let rows = entries.map { entry in
                [entry.name, entry.kind, entry.status, entry.defaultModel ?? "(tool's default)", entry.source]
            }
            print(Render.table(["NAME", "KIND", "STATUS", "DEFAULT MODEL", "SOURCE"], rows))
            let ready = entries.filter { $0.status == "ready" }.count
            print("\n\(entries.count) instruments, \(ready) ready")
            InstrumentsCommand.report(catalog.problems)
        }
        if !catalog.problems.isEmpty { throw ExitCode(ExitCodes.invalidInput) }
    }
}

/// `mzt instruments check NAME [--json]`.
struct InstrumentsCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check one instrument: its program, its version, which credential variables are set, and a verdict.",
        discussion: "Exit 0 when it is ready, 1 when it is not or is unknown, 65 when its profile is invalid."
    )

    @Argument(help: "The instrument name (e.g. claude-code).", completion: .custom(Completions.instruments)) var name: String
    @Option(name: .customLong("home"), help: "The conductor's home (default: $MZT_HOME, else ~/.marianne).") var homePath: String?
    @Flag(help: "Machine-readable JSON output.") var json = false

    func run() throws {
        let catalog = InstrumentsCommand.catalog(home: homePath)
        guard let profile = catalog.profile(name) else {
            let broken = catalog.problems(forFileOf: name)
            if !broken.isEmpty {
                if json { print(Render.json(InstrumentListing(instruments: [], problems: broken))) }
                InstrumentsCommand.report(broken)
                throw ExitCode(ExitCodes.invalidInput)
            }
            let hint = catalog.suggestion(for: name).map { " (did you mean \($0)?)" } ?? ""
            let message = "unknown instrument \(name)\(hint); mzt instruments list shows them all"
            if json { print(Render.json(JSONValue.object(["error": .object(["message": .string(message)])]))) }
            FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
            throw ExitCode(ExitCodes.failed)
        }
        let check = InstrumentReadiness.check(profile, environment: ProcessInfo.processInfo.environment)
        if json {
            print(Render.json(check))
        } else {
            print(InstrumentReadiness.render(check))
        }
        if !check.ready { throw ExitCode(ExitCodes.failed) }
    }
}

/// `mzt instruments list --json`.
struct InstrumentListing: Codable {
    var instruments: [InstrumentReadiness.Summary]
    var problems: [InstrumentProfileProblem]
}
