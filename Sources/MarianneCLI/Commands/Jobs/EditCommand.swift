import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt edit ID`: change the score of a job that has not started (or of a paused or ended
/// one: its completed sheets stay done), in `$VISUAL`/`$EDITOR` or from a file.
struct EditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Edit the score of a queued (or paused) job.",
        discussion: """
            Opens the job's score in $VISUAL, else $EDITOR, else vi; saving a changed score replaces it. A pending job \
            that has not started keeps its place in the queue; a paused, failed, cancelled or stopped job keeps the sheets \
            it completed (mzt resume continues it). With --file the new score is read from a file (- for standard input) \
            and no editor opens. A running job must be paused first (mzt modify does both).
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job.", completion: .custom(Completions.activeJobIDs)) var jobID: String
    @Option(help: ArgumentHelp("The new score, instead of an editor (- for standard input).", valueName: "path"),
            completion: .file(extensions: ["yaml", "yml"]))
    var file: String?

    func run() async throws {
        try await global.withClient { client in
            let current = try await client.call(RPCMethods.jobConfig, JobIDParams(jobID: jobID))
            guard current.kind == "score" else {
                Problem.error("job \(jobID) runs a module; only a score can be edited")
                throw ExitCode(ExitCodes.failed)
            }
            let edited: String
            if let file {
                guard let text = Self.read(file) else {
                    Problem.error("cannot read \(file)")
                    throw ExitCode(ExitCodes.cannotRead)
                }
                edited = text
            } else {
                edited = try Self.editInteractively(current.config, jobID: jobID)
            }
            guard edited != current.config else {
                print("\(jobID): no change")
                return
            }
            let base = file.flatMap { $0 == "-" ? nil : ($0.absolutePath(relativeTo: FileManager.default.currentDirectoryPath) as NSString).deletingLastPathComponent }
            let result = try await client.call(RPCMethods.jobEdit, EditParams(jobID: jobID, configContent: edited, baseDirectory: base))
            print(global.json ? Render.json(result) : result.message)
        }
    }

    static func read(_ path: String) -> String? {
        if path == "-" { return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) }
        return FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Writes the score to a private temporary file, runs the editor on it, reads it back.
    static func editInteractively(_ text: String, jobID: String) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let editor = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty } ?? "vi"
        var template = Array("\(environment["TMPDIR"] ?? "/tmp")/mzt-edit-\(jobID)-XXXXXX.yaml".utf8CString)
        let fd = mkstemps(&template, 5)
        guard fd >= 0 else {
            Problem.error("cannot create a temporary file to edit in")
            throw ExitCode(ExitCodes.failed)
        }
        let path = String(cString: template)
        defer { unlink(path) }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\(editor) \"$1\"", "mzt-edit", path]
        do { try process.run() } catch {
            Problem.error("cannot start the editor \(editor): \(error)")
            throw ExitCode(ExitCodes.failed)
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            Problem.error("the editor exited with \(process.terminationStatus); the job is unchanged")
            throw ExitCode(ExitCodes.failed)
        }
        return read(path) ?? text
    }
}
