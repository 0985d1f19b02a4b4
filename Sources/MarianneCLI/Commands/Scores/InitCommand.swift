import ArgumentParser
import Foundation
import MarianneCore

/// `mzt init [NAME]` (Marianne's): a starter score, commented key by key, and the project's
/// `.marianne/` folder. Needs no conductor.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a starter score (NAME.yaml, every key explained) and a .marianne/ folder.",
        discussion: "Then edit the score with your task and run it: mzt start && mzt run NAME.yaml. An existing file is kept unless --force (exit 1)."
    )

    @Argument(help: "The score's name (default: my-score).") var scoreName: String?
    @Option(name: .shortAndLong, help: "The score's name (wins over the argument).") var name: String?
    @Option(name: .shortAndLong, help: "The folder to write in.", completion: .directory) var path = "."
    @Flag(name: .shortAndLong, help: "Overwrite an existing score file.") var force = false
    @Flag(name: .shortAndLong, help: "Machine-readable JSON output.") var json = false

    var chosenName: String { name ?? scoreName ?? "my-score" }

    func validate() throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !chosenName.isEmpty, chosenName.count <= 64, !chosenName.hasPrefix("."), chosenName.allSatisfy(allowed.contains) else {
            throw ValidationError("invalid score name \"\(chosenName)\": use 1-64 letters, digits, '.', '_' or '-'")
        }
    }

    func run() throws {
        let folder = path.absolutePath(relativeTo: FileManager.default.currentDirectoryPath)
        let file = (folder as NSString).appendingPathComponent("\(chosenName).yaml")
        let project = (folder as NSString).appendingPathComponent(".marianne")
        if FileManager.default.fileExists(atPath: file), !force {
            Problem.error("\(file) exists; use --force to overwrite it, or --name another")
            throw ExitCode(ExitCodes.failed)
        }
        do {
            try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try Self.template(name: chosenName).write(toFile: file, atomically: true, encoding: .utf8)
        } catch {
            Problem.error("cannot write in \(folder): \(error.localizedDescription)")
            throw ExitCode(ExitCodes.cannotRead)
        }
        if json {
            print(Render.json(["score": file, "project": project, "name": chosenName]))
        } else {
            print("wrote \(file) and \(project)/")
            print("next: edit the score, check it with mzt validate \(chosenName).yaml, then mzt start && mzt run \(chosenName).yaml")
        }
    }

    static func template(name: String) -> String {
        """
        # \(name): a starter score. Each sheet runs the prompt below (a Jinja2 template) in the
        # workspace; validations decide whether the sheet succeeded. See Docs/SCORES.md.
        name: \(name)
        description: Describe what this score does.
        # Where the sheets run and write (relative to this file).
        workspace: ./\(name)-workspace
        # instrument: claude-code   # an AI agent instead of a shell; see Docs/SCORES.md
        backend:
          type: command           # the prompt is a bash script
          timeout: 10m            # per attempt
        # Three sheets, one item each: sheet_num is 1, 2, 3.
        sheet:
          size: 1
          total_items: 3
        prompt:
          template: |
            echo "{{ greeting }} from sheet {{ sheet_num }} of {{ total_sheets }}" > result-{{ sheet_num }}.txt
          variables:
            greeting: hello
        # A sheet passes when every validation holds; {workspace} and {sheet_num} are filled in.
        validations:
          - type: file_exists
            path: "{workspace}/result-{sheet_num}.txt"
        # A failed sheet is tried again this many times, with growing delays.
        retry:
          max_retries: 1

        """
    }
}
