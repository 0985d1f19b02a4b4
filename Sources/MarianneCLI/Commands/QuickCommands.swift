import ArgumentParser
import Foundation

/// The commands scripts run most, recognised before the argument parser: `list`,
/// `status ID`, `conductor-status` and `submit SCORE` (with `--id ID` and `--wait`), each
/// with or without `--json`. Building the parser's model of every command costs about 14 M
/// instructions, two thirds of such a command. Any other word (another flag, `--help`, a
/// second operand, `-` for standard input) leaves the line to the parser, which then
/// behaves exactly as without this path.
enum QuickCommands {
    /// What a quick line says, once its words are sorted.
    struct Line: Equatable {
        var command: String
        var operands: [String] = []
        var json = false
        var wait = false
        var id: String?
    }

    /// Runs `arguments` (without the program name) and exits, or returns when it is not one
    /// of the quick forms. Nothing here suspends: the command runs on the calling thread
    /// (the main thread, before any concurrency starts), its socket calls blocking it.
    static func run(_ arguments: [String]) {
        guard let line = parse(arguments) else { return }
        let context = ClientContext(homePath: nil, json: line.json)
        let perform: () throws -> Void
        let reads = line.command != "submit"
        switch (line.command, line.operands.count) {
        case ("list", 0): perform = { try ListCommand.perform(context, status: [], name: nil, limit: nil, all: false, wide: false) }
        case ("conductor-status", 0): perform = { try ConductorStatusCommand.perform(context) }
        case ("status", 1): perform = { try StatusCommand.show(context, jobID: line.operands[0]) }
        case ("submit", 1):
            let submission = ScoreSubmission(score: line.operands[0], id: line.id, wait: line.wait)
            perform = { try submission.runNow(context: context) }
        default: return
        }
        do {
            try perform()
            exit(0)
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            // A read-only command changed nothing: the parser's path says it its way. A
            // submission may have been made: it is never sent a second time.
            if reads { return }
            MZT.exit(withError: error)
        }
    }

    /// The quick form of `arguments`, or nil when the parser must read them.
    static func parse(_ arguments: [String]) -> Line? {
        guard let command = arguments.first, ["list", "status", "conductor-status", "submit"].contains(command) else { return nil }
        var line = Line(command: command)
        var words = arguments.dropFirst()[...]
        while let word = words.popFirst() {
            switch word {
            case "--json": line.json = true
            case "--wait" where command == "submit": line.wait = true
            case "--id" where command == "submit":
                guard line.id == nil, let value = words.popFirst(), !value.hasPrefix("-") else { return nil }
                line.id = value
            default:
                if word.hasPrefix("--id="), command == "submit", line.id == nil {
                    let value = String(word.dropFirst(5))
                    guard !value.isEmpty else { return nil }
                    line.id = value
                } else if word.hasPrefix("-") {
                    return nil
                } else {
                    line.operands.append(word)
                }
            }
        }
        return line
    }
}
