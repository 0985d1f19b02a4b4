import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient
import MarianneCore

/// `mzt submit SCORE|-`: hands a score to the conductor (or, with --dry-run, prints its plan).
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a score to the conductor and print the job id.",
        discussion: "Use - to read the score from standard input. --dry-run needs no conductor."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The score file (YAML), or - for standard input.")
    var score: String

    @Option(help: "Job id (default: the score's name).")
    var id: String?

    @Option(help: "Workspace directory, instead of the score's.")
    var workspace: String?

    @Option(name: .customLong("start-sheet"), help: "Start at this sheet; earlier sheets count as done.")
    var startSheet: Int?

    @Flag(name: .customLong("self-healing"), help: "After the retries, one more attempt with the failure context.")
    var selfHealing = false

    @Option(name: .customLong("max-duration"), help: "Stop the job after this long, e.g. 30m, 2h, 7d.")
    var maxDuration: String?

    @Flag(name: .customLong("dry-run"), help: "Validate and print the sheet plan without running anything.")
    var dryRun = false

    @Flag(help: "Wait for the job to end; exit 0 if it completed, 1 otherwise.")
    var wait = false

    @Flag(help: "Stream the job's log until it ends; exit 0 if it completed, 1 otherwise.")
    var follow = false

    func run() async throws {
        let cwd = FileManager.default.currentDirectoryPath
        let workspacePath = workspace.map { $0.absolutePath(relativeTo: cwd) }
        if dryRun { return try dryRunPlan(cwd: cwd, workspace: workspacePath) }
        var params = SubmitParams(
            workspace: workspacePath, startSheet: startSheet, selfHealing: selfHealing ? true : nil,
            maxDuration: maxDuration, id: id, baseDirectory: cwd
        )
        if score == "-" {
            params.configContent = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            let path = score.absolutePath(relativeTo: cwd)
            guard FileManager.default.isReadableFile(atPath: path) else {
                FileHandle.standardError.write(Data("Error: cannot read \(score): no such file or not readable\n".utf8))
                throw ExitCode(ExitCodes.cannotRead)
            }
            params.configPath = path
        }
        try await global.withClient { client in
            let result = try await client.call(RPCMethod.jobSubmit, params: params, as: SubmitResult.self)
            if follow {
                if !global.json { print("\(result.jobID) submitted") }
                let logs = try await LogPrinter.follow(client: client, params: LogsParams(jobID: result.jobID, follow: true), json: global.json)
                if !global.json { print(TerminalText.forStdout("\(result.jobID) \(logs.status.rawValue)" + (logs.error.map { ": \($0)" } ?? ""))) }
                if logs.status != .completed { throw ExitCode(ExitCodes.failed) }
                return
            }
            if wait {
                let waited = try await client.call(RPCMethod.jobWait, params: WaitParams(jobID: result.jobID), as: WaitResult.self)
                if global.json {
                    print(Render.json(waited.job))
                } else {
                    print("\(result.jobID) \(waited.job.status.rawValue)")
                }
                if waited.job.status != .completed { throw ExitCode(ExitCodes.failed) }
                return
            }
            if global.json {
                print(Render.json(result))
            } else if let position = result.queuePosition {
                print("\(result.jobID) (pending, position \(position) in the queue)")
            } else {
                print(result.jobID)
            }
        }
    }

    private func dryRunPlan(cwd: String, workspace: String?) throws {
        let loaded: LoadedScore
        do {
            if score == "-" {
                let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                loaded = try ScoreLoader.load(yaml: text, baseDirectory: cwd, workspaceOverride: workspace)
            } else {
                loaded = try ScoreLoader.load(path: score.absolutePath(relativeTo: cwd), workspaceOverride: workspace)
            }
        } catch let error as ScoreValidationError {
            for problem in error.problems { FileHandle.standardError.write(Data("\(score): \(problem)\n".utf8)) }
            throw ExitCode(ExitCodes.invalidInput)
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(ExitCodes.cannotRead)
        }
        print(PlanPrinter.render(loaded, jobID: id ?? loaded.score.name))
    }
}
