import Foundation

/// What a score would do, sheet by sheet, without running anything: `mzt submit --dry-run`
/// prints it, and a conductor can compute the same.
public struct ScorePlan: Sendable, Equatable, Codable {
    public var jobID: String
    public var name: String
    public var path: String?
    public var workspace: String
    /// `backend.type` (legacy); each sheet's instrument is in `sheets`.
    public var backend: String
    /// The instrument of a sheet that names none: the score's `instrument`, else by
    /// `backend.type`, else `claude-code`.
    public var instrument: String
    public var timeoutSeconds: Double?
    public var maxConcurrent: Int
    public var maxRetries: Int
    public var totalSheets: Int
    public var totalStages: Int
    /// Whether `mzt submit` would accept the score here, and why not.
    public var runnable: Bool
    public var runProblems: [ScoreProblem]
    public var warnings: [ScoreProblem]
    public var sheets: [SheetPreview]

    enum CodingKeys: String, CodingKey {
        case name, path, workspace, backend, instrument, runnable, warnings, sheets
        case jobID = "job_id"
        case timeoutSeconds = "timeout_seconds"
        case maxConcurrent = "max_concurrent"
        case maxRetries = "max_retries"
        case totalSheets = "total_sheets"
        case totalStages = "total_stages"
        case runProblems = "run_problems"
    }

    /// The plan of a loaded score for job `jobID`. Prompts are rendered as at each sheet's
    /// first attempt (no earlier outputs); prelude and cadenza files are read now.
    public static func make(_ loaded: LoadedScore, jobID: String) -> ScorePlan {
        let score = loaded.score
        let template = try? Template(score.prompt.template)
        return ScorePlan(
            jobID: jobID, name: score.name, path: loaded.path, workspace: loaded.workspace, backend: score.backend.type.rawValue,
            instrument: score.instrument ?? InstrumentResolver.defaultName(score.backend), timeoutSeconds: score.backend.timeoutSeconds, maxConcurrent: score.parallel.maxConcurrent, maxRetries: score.retry.maxRetries,
            totalSheets: loaded.sheets.count, totalStages: loaded.totalStages, runnable: loaded.runBlockers.isEmpty,
            runProblems: loaded.runBlockers, warnings: loaded.warnings,
            sheets: loaded.sheets.map { preview($0, loaded, jobID: jobID, template: template) }
        )
    }

    static func preview(_ sheet: PlannedSheet, _ loaded: LoadedScore, jobID: String, template: Template?) -> SheetPreview {
        let score = loaded.score
        let instrument = InstrumentResolver.resolve(score, sheet: sheet)
        let profile = loaded.instruments.profile(instrument.name)
        let settings = InstrumentResolver.settings(score, instrument: instrument)
        let timeout = InstrumentResolver.timeout(score, sheet: sheet.number, settings: settings, profile: profile)
        var prompt: String?
        var promptError: String?
        var raw = profile?.rawPrompt ?? false
        var notes: [String] = []
        var invocation: InstrumentInvocation?
        do {
            let assembled = try SheetPrompt.render(loaded, sheet: sheet, jobID: jobID, template: template, attempt: PromptAttempt(rawPrompt: raw))
            prompt = assembled.text
            raw = assembled.raw
            if !raw {
                let variables = SheetVariables.make(loaded, sheet: sheet, jobID: jobID)
                notes = InjectionResolver.resolve(InjectionResolver.items(forSheet: sheet.number, in: score), variables: variables, workspace: loaded.workspace).notes
            }
            if let profile {
                invocation = InstrumentInvocation.make(profile, settings: settings, context: .init(prompt: assembled.text, timeoutSeconds: timeout, workspace: loaded.workspace))
            }
        } catch {
            promptError = "\(error)"
        }
        let placeholders = SheetPlaceholders(loaded, sheet: sheet, jobID: jobID)
        let validations = score.validations.enumerated().map { index, rule in
            validation(rule, index: index, sheet: sheet, placeholders: placeholders, workspace: loaded.workspace)
        }
        var preview = SheetPreview(
            number: sheet.number, stage: sheet.stage, instance: sheet.instance, fanCount: sheet.fanCount, movement: sheet.stage,
            movementName: score.movements[sheet.stage]?.name, description: score.sheet.descriptions[sheet.number],
            startItem: sheet.startItem, endItem: sheet.endItem, dependencies: sheet.dependencies, instrument: instrument.name,
            instrumentAlias: instrument.alias, prompt: prompt, promptError: promptError, raw: raw, injectionNotes: notes,
            skipWhen: SkipRules.expression(forSheet: sheet.number, in: score),
            skipWhenCommand: SkipRules.command(forSheet: sheet, in: loaded, jobID: jobID), validations: validations
        )
        preview.fallbacks = instrument.fallbacks
        preview.model = profile.flatMap { settings.effectiveModel($0) } ?? settings.model
        preview.timeoutSeconds = timeout
        // The prompt itself is `prompt`; the command line shows where it goes.
        preview.command = invocation.map { [$0.executable] + $0.arguments.map { $0 == prompt ? "<prompt>" : $0 } }
        preview.promptOnStdin = invocation.map { $0.stdin != nil }
        return preview
    }

    static func validation(_ rule: ValidationRule, index: Int, sheet: PlannedSheet, placeholders: SheetPlaceholders, workspace: String) -> ValidationPreview {
        var path: String?
        var pathError: String?
        var directory: String?
        do {
            path = try rule.expandedPath(placeholders, workspace: workspace)
            if rule.type == .commandSucceeds { directory = try rule.expandedWorkingDirectory(placeholders, workspace: workspace) }
        } catch {
            pathError = "\(error)"
        }
        return ValidationPreview(
            index: index, type: rule.type.rawValue, description: rule.description, stage: rule.stage, condition: rule.condition,
            applies: rule.applies(to: sheet, placeholders: placeholders), path: path, pathError: pathError, pattern: rule.pattern,
            command: rule.expandedCommand(placeholders), workingDirectory: directory, timeoutSeconds: rule.timeoutSeconds
        )
    }
}
