import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient
import MarianneCore

/// `mzt run MODULE_ID` starts a module job; `mzt run SCORE.yaml` submits a score, as
/// Marianne's `mzt run` does.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Submit a score (a .yaml/.yml file) or start a job that runs a module.",
        discussion: """
            An argument that is the path of an existing .yaml or .yml file is a score: it is submitted as by mzt submit \
            (--dry-run, --json, --workspace, --start-sheet, --self-healing, --id, --max-duration, --follow). Any other argument is \
            a module id: values are checked against the module's declared inputs and settings before anything runs.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "A score file (.yaml/.yml), or a module id.", completion: .custom(Completions.runTargets)) var target: String
    @Option(name: .customLong("input"), help: "A module input, as name=value (repeatable).") var inputs: [String] = []
    @Option(name: .customLong("setting"), help: "A module setting, as name=value (repeatable).") var settings: [String] = []
    @Option(name: .customLong("max-duration"), help: "Stop the job after this long, e.g. 2h.") var maxDuration: String?
    @Option(help: "Job id (default: the score's name or the module id).") var id: String?
    @Flag(help: "Stream the job's log until it ends; exit 0 if it completed.") var follow = false
    @Flag(name: [.customShort("n"), .customLong("dry-run")], help: "Score: validate and print the plan without running anything.") var dryRun = false
    @Option(name: [.customShort("w"), .customLong("workspace")], help: "Score: workspace directory, instead of the score's.", completion: .directory) var workspace: String?
    @Option(name: [.customShort("s"), .customLong("start-sheet")], help: "Score: start at this sheet; earlier sheets count as done.") var startSheet: Int?
    @Flag(name: [.customShort("H"), .customLong("self-healing")], help: "Score: after the retries, one more attempt with the failure context.") var selfHealing = false
    @Flag(name: .customLong("fresh"), help: "Replace a finished job with the same id (as --replace; Marianne's --fresh).") var fresh = false
    @OptionGroup var queue: QueueFlags

    /// Whether `target` names a score file.
    var isScore: Bool {
        let lower = target.lowercased()
        guard lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") else { return false }
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: target.absolutePath(relativeTo: FileManager.default.currentDirectoryPath), isDirectory: &isDirectory)
            && !isDirectory.boolValue
    }

    var submission: ScoreSubmission {
        ScoreSubmission(
            score: target, id: id, workspace: workspace, startSheet: startSheet, selfHealing: selfHealing, maxDuration: maxDuration,
            dryRun: dryRun, follow: follow, queue: queueWithFresh
        )
    }

    var queueWithFresh: QueueFlags {
        var flags = queue
        flags.replace = queue.replace || fresh
        return flags
    }

    func validate() throws {
        if isScore {
            guard inputs.isEmpty, settings.isEmpty else { throw ValidationError("--input and --setting are for modules; \(target) is a score") }
            try submission.validate()
            return
        }
        let scoreOnly = [(dryRun, "--dry-run"), (workspace != nil, "--workspace"), (startSheet != nil, "--start-sheet"), (selfHealing, "--self-healing")]
        if let flag = scoreOnly.first(where: { $0.0 })?.1 {
            throw ValidationError("\(flag) is for scores; \(target) is not a .yaml/.yml file (a module id?)")
        }
        try NumericFlags.duration(maxDuration, flag: "--max-duration", maximum: ScoreLimits.maxJobSeconds)
        _ = try Self.pairs(inputs, flag: "--input")
        _ = try Self.pairs(settings, flag: "--setting")
    }

    func run() async throws {
        if isScore { return try await submission.run(global: global) }
        let params = StartModuleParams(
            moduleID: target, inputs: try Self.pairs(inputs, flag: "--input"), settings: try Self.pairs(settings, flag: "--setting"),
            maxDuration: maxDuration, id: id, replace: queueWithFresh.replace, queue: queue.options()
        )
        try await global.withClient { client in
            let result = try await client.call(RPCMethods.jobStart, params)
            try await SubmissionOutput.finish(result, client: client, global: global, wait: false, follow: follow, verb: "started")
        }
    }

    /// `name=value` pairs; a value written as a number must be finite and within
    /// `NumericFlags.maxMagnitude`.
    static func pairs(_ items: [String], flag: String) throws -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for item in items {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw ValidationError("\(flag) takes name=value, got \"\(item)\"")
            }
            let value = String(item[item.index(after: equals)...])
            try NumericFlags.checkNumberText(value, flag: "\(flag) \(item[..<equals])")
            result[String(item[..<equals])] = .string(value)
        }
        return result
    }
}
