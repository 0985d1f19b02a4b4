import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient
import MarianneCore

/// A score to submit (or plan), shared by `mzt submit` and `mzt run SCORE.yaml`.
struct ScoreSubmission {
    var score: String
    var id: String?
    var workspace: String?
    var startSheet: Int?
    var selfHealing = false
    var maxDuration: String?
    var dryRun = false
    var wait = false
    var follow = false

    /// Flag values are range-checked before anything runs (exit 64).
    func validate() throws {
        try NumericFlags.count(startSheet, flag: "--start-sheet", in: 1...ScoreLimits.maxSheets)
        try NumericFlags.duration(maxDuration, flag: "--max-duration", maximum: ScoreLimits.maxJobSeconds)
    }

    func run(global: GlobalOptions) async throws {
        let cwd = FileManager.default.currentDirectoryPath
        let workspacePath = workspace.map { RealPath.resolve($0, relativeTo: cwd) }
        if dryRun {
            let loaded = try Self.loadForPlan(score, cwd: cwd, workspace: workspacePath)
            let jobID = id ?? loaded.score.name
            print(global.json ? Render.json(ScorePlan.make(loaded, jobID: jobID)) : PlanPrinter.render(loaded, jobID: jobID))
            return
        }
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
            let result = try await client.call(RPCMethods.jobSubmit, params)
            if follow {
                if !global.json { print("\(result.jobID) submitted") }
                let logs = try await LogPrinter.follow(client: client, params: LogsParams(jobID: result.jobID, follow: true), json: global.json)
                if !global.json { print(TerminalText.forStdout("\(result.jobID) \(logs.status.rawValue)" + (logs.error.map { ": \($0)" } ?? ""))) }
                if logs.status != .completed { throw ExitCode(ExitCodes.failed) }
                return
            }
            if wait {
                let waited = try await client.call(RPCMethods.jobWait, WaitParams(jobID: result.jobID))
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

    /// Loads a score (a path or - for standard input) for a plan; problems go to standard
    /// error with the documented exit codes.
    static func loadForPlan(_ score: String, cwd: String, workspace: String?) throws -> LoadedScore {
        do {
            if score == "-" {
                let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                return try ScoreLoader.load(yaml: text, baseDirectory: cwd, workspaceOverride: workspace, planning: true)
            }
            return try ScoreLoader.load(path: score.absolutePath(relativeTo: cwd), workspaceOverride: workspace, planning: true)
        } catch let error as ScoreValidationError {
            for problem in error.problems { FileHandle.standardError.write(Data("\(score): \(problem)\n".utf8)) }
            throw ExitCode(ExitCodes.invalidInput)
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(ExitCodes.cannotRead)
        }
    }
}
