import ArgumentParser
import Foundation
import MarianneCore
import MarianneProtocol

/// `mzt validate SCORE`: every problem of a score, with code, line and column.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a score; list every problem with its code, line and column.",
        discussion: "Use - to read the score from standard input (relative paths resolve against the current directory). Exit 0 valid, 65 invalid, 66 cannot read. Needs no conductor."
    )

    @Argument(help: "The score file (YAML), or - for standard input.", completion: .file(extensions: ["yaml", "yml"])) var score: String
    @Flag(help: "Machine-readable JSON output.") var json = false

    struct Report: Codable {
        var valid: Bool
        var path: String
        var sheets: Int?
        var problems: [ScoreProblem]
    }

    func run() throws {
        let report = Self.check(path: score)
        if json {
            print(Render.json(report.result))
        } else if let failure = report.readError {
            Problem.error("\(failure)")
        } else {
            let errors = report.result.problems.filter { $0.severity == .error }
            for problem in report.result.problems {
                let place = [problem.line, problem.column].compactMap { $0 }.map(String.init).joined(separator: ":")
                let text = "\(score):\(place.isEmpty ? "" : place + ":") \(problem.severity == .warning ? "warning " : "")\(problem.code) \(problem.message)"
                    + (problem.hint.map { " (\($0))" } ?? "")
                FileHandle.standardError.write(Data((text + "\n").utf8))
            }
            if errors.isEmpty {
                print("\(score): valid, \(report.result.sheets ?? 0) sheet\(report.result.sheets == 1 ? "" : "s")")
            } else {
                FileHandle.standardError.write(Data("\(score): \(errors.count) problem\(errors.count == 1 ? "" : "s")\n".utf8))
            }
        }
        throw ExitCode(report.exitCode)
    }

    /// The report and the exit code for a score file.
    static func check(path: String) -> (result: Report, exitCode: Int32, readError: String?) {
        let cwd = FileManager.default.currentDirectoryPath
        let absolute = path == "-" ? "-" : path.absolutePath(relativeTo: cwd)
        let text: String
        if path == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            do {
                text = try ScoreLoader.read(path: absolute)
            } catch {
                let problem = ScoreProblem(code: "E066", message: "\(error)")
                return (Report(valid: false, path: absolute, sheets: nil, problems: [problem]), ExitCodes.cannotRead, "\(error)")
            }
        }
        let base = path == "-" ? cwd : ScoreLoader.directory(of: absolute)
        let (loaded, checked) = ScoreLoader.check(yaml: text, baseDirectory: base, path: path == "-" ? nil : absolute)
        var problems = checked
        if let loaded { problems += TemplateTypos.check(loaded) }
        let valid = loaded != nil && !problems.contains { $0.severity == .error }
        return (Report(valid: valid, path: absolute, sheets: loaded?.sheets.count, problems: problems), valid ? ExitCodes.ok : ExitCodes.invalidInput, nil)
    }
}
