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
    var queue: QueueFlags?

    /// Flag values are range-checked before anything runs (exit 64).
    func validate() throws {
        try NumericFlags.count(startSheet, flag: "--start-sheet", in: 1...ScoreLimits.maxSheets)
        try NumericFlags.duration(maxDuration, flag: "--max-duration", maximum: ScoreLimits.maxJobSeconds)
    }

    func run(global: GlobalOptions) async throws {
        try await run(context: global.context)
    }

    func run(context: ClientContext) async throws {
        guard follow, !dryRun else { return try runNow(context: context) }
        let params = try parameters()
        try await context.withClient { client in
            let result = try await client.call(RPCMethods.jobSubmit, params)
            try await SubmissionOutput.finish(result, client: client, json: context.json, wait: wait, follow: true)
        }
    }

    /// Everything but `--follow`, without suspending (the quick path runs it on the main
    /// thread).
    func runNow(context: ClientContext) throws {
        if dryRun {
            let cwd = FileManager.default.currentDirectoryPath
            let loaded = try Self.loadForPlan(score, cwd: cwd, workspace: workspace.map { RealPath.resolve($0, relativeTo: cwd) })
            let jobID = id ?? loaded.score.name
            print(context.json ? Render.json(ScorePlan.make(loaded, jobID: jobID)) : PlanPrinter.render(loaded, jobID: jobID))
            return
        }
        let params = try parameters()
        try context.withClientNow { client in
            let result = try client.callNow(RPCMethods.jobSubmit, params)
            try SubmissionOutput.finishNow(result, client: client, json: context.json, wait: wait)
        }
    }

    /// The request: paths made absolute against the working directory, the score read from
    /// standard input for `-`.
    private func parameters() throws -> SubmitParams {
        let cwd = FileManager.default.currentDirectoryPath
        var params = SubmitParams(
            workspace: workspace.map { RealPath.resolve($0, relativeTo: cwd) }, startSheet: startSheet, selfHealing: selfHealing ? true : nil,
            maxDuration: maxDuration, id: id, baseDirectory: cwd, replace: queue?.replace == true,
            queue: queue?.options()
        )
        if score == "-" {
            params.configContent = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            let path = score.absolutePath(relativeTo: cwd)
            guard FileManager.default.isReadableFile(atPath: path) else {
                Problem.error("cannot read \(score): no such file or not readable")
                throw ExitCode(ExitCodes.cannotRead)
            }
            params.configPath = path
        }
        return params
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
            Problem.error("\(error)")
            throw ExitCode(ExitCodes.cannotRead)
        }
    }
}
