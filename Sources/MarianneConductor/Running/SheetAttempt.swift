import Foundation
import MarianneCore
import MarianneProtocol

/// One attempt of a sheet, as the runner asks for it.
struct AttemptRequest: Sendable {
    var sheet: PlannedSheet
    var attempt: Int
    var failureContext: String?
    var earlier: [SheetState]
    /// The instrument to play: the sheet's own, or a fallback.
    var instrument: ResolvedInstrument
    /// Retry, completion and history, for the prompt.
    var prompt: PromptAttempt
    /// The git worktree the job's sheets run in, when isolated.
    var worktree: String?
    /// The Slurm job of this attempt an earlier conductor submitted: followed, not submitted again.
    var reattach: SlurmAttemptRecord?

    init(
        sheet: PlannedSheet, attempt: Int, failureContext: String? = nil, earlier: [SheetState] = [], instrument: ResolvedInstrument,
        prompt: PromptAttempt = .first, worktree: String? = nil
    ) {
        self.worktree = worktree
        self.sheet = sheet
        self.attempt = attempt
        self.failureContext = failureContext
        self.earlier = earlier
        self.instrument = instrument
        self.prompt = prompt
    }
}

/// What the score runner needs from one attempt of a sheet (a seam for tests).
protocol SheetAttempting: Sendable {
    var killGrace: Double { get }
    var baseEnvironment: [String: String] { get }
    /// `started` gets what the runner records of the attempt (its process group, or its Slurm job).
    func run(
        _ request: AttemptRequest, started: @escaping @Sendable (AttemptHandle) async -> Void, output: (stdout: OutputLines, stderr: OutputLines)?
    ) async -> AttemptResult
}

/// Runs one attempt of one sheet: assembles the prompt (off the cooperative pool), plays the
/// instrument as its profile says (`InstrumentRun`) on the sheet's executor (a local process
/// group, or a Slurm job), then checks the validations that apply.
struct SheetAttempt: SheetAttempting {
    let jobID: String
    let loaded: LoadedScore
    let killGrace: Double
    let baseEnvironment: [String: String]
    /// The score's template, parsed once for every attempt (nil: it does not parse, and each
    /// attempt reports why).
    let template: Template?
    let executors: ExecutorChoice

    init(jobID: String, loaded: LoadedScore, killGrace: Double, baseEnvironment: [String: String], executors: ExecutorChoice = .local) {
        self.executors = executors
        self.jobID = jobID
        self.loaded = loaded
        self.killGrace = killGrace
        self.baseEnvironment = baseEnvironment
        self.template = try? Template(loaded.score.prompt.template)
    }

    var workspace: String { loaded.workspace }
    var totalSheets: Int { loaded.sheets.count }

    /// Runs the attempt. `started` gets the child as soon as it exists, so the caller can
    /// record its process group and freeze it.
    func run(
        _ request: AttemptRequest, started: @escaping @Sendable (AttemptHandle) async -> Void, output: (stdout: OutputLines, stderr: OutputLines)? = nil
    ) async -> AttemptResult {
        let prepared: Prepared
        do {
            prepared = try await OffPool.run { try self.prepare(request, output: output) }
        } catch let error as PreparationError {
            var result = AttemptResult.failed(error.message)
            result.instrument = request.instrument.name
            return result
        } catch {
            return .failed("\(error)")
        }
        let outcome = await prepared.run.run(on: executors.executor(for: request.sheet), started: started)
        var result = AttemptResult(
            status: outcome.status, timedOut: outcome.timedOut, rateLimited: outcome.failure?.kind == .rateLimit, validations: [],
            stdoutTail: outcome.stdoutTail, stderrTail: outcome.stderrTail, failure: nil, spawnFailure: outcome.spawnError?.kind
        )
        let profile = prepared.run.profile
        result.instrument = profile.name
        result.model = prepared.run.settings.effectiveModel(profile)
        result.duration = outcome.duration
        // Usage only when the tool reported some (a shell command or a text tool has none).
        if outcome.output.inputTokens != nil || outcome.output.outputTokens != nil {
            result.usage = TokenUsage.priced(
                input: outcome.output.inputTokens, output: outcome.output.outputTokens, model: profile.model(result.model),
                fallbackInput: loaded.score.limits.costLimits.costPer1kInputTokens, fallbackOutput: loaded.score.limits.costLimits.costPer1kOutputTokens
            )
        }
        if let error = outcome.spawnError {
            result.failure = error.kind == .notFound ? Self.missingProgram(profile, error) : "could not start \(profile.name): \(error)"
            return result
        }
        if outcome.lost {
            result.failure = outcome.executorFailure ?? "the Slurm job is gone"
            result.slurmJobLost = true
            return result
        }
        if outcome.cancelled {
            result.failure = "interrupted"
            return result
        }
        if let failure = outcome.failure {
            result.kind = failure.kind
            result.failure = describe(failure, outcome: outcome, profile: profile, timeout: prepared.run.timeout)
            return result
        }
        result.answered = true
        let validations = SheetValidations(attempt: self, sheet: request.sheet, placeholders: prepared.placeholders)
        result.validations = await validations.run(mtimesBefore: prepared.mtimesBefore)
        if let failed = result.validations.first(where: { !$0.passed }) {
            result.failure = "validation failed: \(failed.description)" + (failed.message.map { " (\($0))" } ?? "")
        }
        return result
    }

    /// Why an attempt failed, with what to do for the kinds retrying cannot fix.
    private func describe(_ failure: (kind: InstrumentFailureKind, evidence: String?), outcome: InstrumentRun.Outcome, profile: InstrumentProfile, timeout: Double) -> String {
        let exit = outcome.status?.description ?? "no exit status"
        let said = failure.evidence.map { ": \($0)" } ?? ""
        switch failure.kind {
        case .timeout where outcome.timedOut: return outcome.executorFailure ?? "timed out after \(DurationFormatter.human(timeout))"
        case .stale: return "stale: \(failure.evidence ?? "no output"); the attempt was stopped"
        case .rateLimit: return "\(profile.name) is rate limited\(said)"
        case .capacity: return "\(profile.name) is overloaded\(said)"
        case .auth:
            let credentials = profile.credentialVariables.prefix(3).joined(separator: ", ")
            return "\(profile.name) failed to authenticate\(said) (\(exit)): log in with \(profile.cli?.command.executable ?? profile.name)"
                + (credentials.isEmpty ? "" : " or set \(credentials) in the conductor's environment") + "; mzt instruments check \(profile.name) shows what is set"
        default:
            if let said = outcome.executorFailure { return said }
            return outcome.output.errorMessage.map { "\(exit): \($0)" } ?? (failure.evidence.map { "\(exit): \($0)" } ?? exit)
        }
    }

    static func missingProgram(_ profile: InstrumentProfile, _ error: SpawnError) -> String {
        "\(profile.name) cannot run: \(error.description); install it on the conductor's PATH or set instrument_config.executable to its path (mzt instruments check \(profile.name))"
    }

    // MARK: Preparation (blocking: rendering, stats, the log folder)

    struct Prepared: Sendable {
        var run: InstrumentRun
        var mtimesBefore: [String: Double?]
        var placeholders: SheetPlaceholders
    }

    struct PreparationError: Error {
        var message: String
    }

    private func prepare(_ request: AttemptRequest, output: (stdout: OutputLines, stderr: OutputLines)?) throws -> Prepared {
        let sheet = request.sheet
        var info = stat()
        guard stat(workspace, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw PreparationError(message: "workspace \(workspace) no longer exists")
        }
        let score = loaded.score
        guard let profile = loaded.instruments.profile(request.instrument.name) else {
            throw PreparationError(message: "instrument \(request.instrument.name) is not known here; mzt instruments list shows the instruments")
        }
        let settings = InstrumentResolver.settings(score, instrument: request.instrument)
        let timeout = InstrumentResolver.timeout(score, sheet: sheet.number, settings: settings, profile: profile)
        var prompt = ""
        if request.reattach == nil { do {
            let earlier = score.crossSheet == nil ? [:] : earlierOutputs(request.earlier, sheet: sheet.number)
            let crossSheet = CrossSheetContext.collect(score.crossSheet, sheet: sheet.number, earlier: earlier, workspace: workspace)
            var attempt = request.prompt
            attempt.rawPrompt = profile.rawPrompt
            attempt.healingContext = request.failureContext
            prompt = try SheetPrompt.render(loaded, sheet: sheet, jobID: jobID, crossSheet: crossSheet, template: template, attempt: attempt).text
        } catch {
            throw PreparationError(message: "template error: \(error)")
        } }
        let placeholders = SheetPlaceholders(loaded, sheet: sheet, jobID: jobID)
        let modifiedPaths = score.validations.filter { $0.type == .fileModified && $0.applies(to: sheet, placeholders: placeholders) }
            .compactMap { try? $0.expandedPath(placeholders, workspace: workspace) }
        // A re-attached attempt: a file changed since its Slurm job was submitted was changed by it.
        let submitted = request.reattach.map { Optional($0.submittedAt.timeIntervalSince1970) }
        let mtimesBefore = Dictionary(modifiedPaths.map { ($0, submitted ?? Self.mtime($0)) }, uniquingKeysWith: { first, _ in first })
        func path(_ stream: String) -> String {
            WorkspaceFiles.attemptOutput(workspace: workspace, jobID: jobID, sheet: sheet.number, attempt: request.attempt, stream: stream)
        }
        do {
            try SafeFile.ensureDirectory(WorkspaceFiles.logDirectory(workspace: workspace, jobID: jobID), under: workspace)
        } catch {
            throw PreparationError(message: "the attempt's log folder cannot be made: \(error)")
        }
        var variables = [
            "MZT_JOB_ID": jobID, "MZT_SHEET_NUM": String(sheet.number), "MZT_TOTAL_SHEETS": String(totalSheets), "MZT_WORKSPACE": workspace,
            "MZT_ATTEMPT": String(request.attempt), "MZT_INSTRUMENT": profile.name,
        ]
        if let failureContext = request.failureContext { variables["MZT_FAILURE_CONTEXT"] = failureContext }
        if let worktree = request.worktree { variables["MZT_WORKTREE"] = worktree }
        var extraPatterns = score.limits.rateLimit.detectionPatterns
        if score.backend.rateLimitDeclared { extraPatterns += score.backend.rateLimitPatterns }
        let run = InstrumentRun(
            profile: profile, settings: settings, prompt: prompt, timeout: timeout, workspace: workspace, worktree: request.worktree,
            baseEnvironment: baseEnvironment, conductorVariables: variables, backendEnvironment: score.backend.env,
            stdoutPath: path("out"), stderrPath: path("err"), resultPath: path("result"), lines: output,
            stale: score.limits.staleDetection, extraRateLimitPatterns: extraPatterns, killGrace: killGrace,
            identity: .init(jobID: jobID, sheet: sheet.number, attempt: request.attempt), reattach: request.reattach
        )
        return Prepared(run: run, mtimesBefore: mtimesBefore, placeholders: placeholders)
    }

    /// Earlier sheets as `previous_outputs` needs them: the start of the answer of each
    /// completed sheet's last attempt (its `.result`, else its standard output), read only
    /// when the score captures it, and only for the sheets its lookback reaches.
    private func earlierOutputs(_ states: [SheetState], sheet: Int) -> [Int: CrossSheetContext.EarlierSheet] {
        guard let config = loaded.score.crossSheet, config.autoCaptureStdout else {
            return Dictionary(states.map { ($0.number, .init(status: $0.status, stdout: nil)) }, uniquingKeysWith: { $1 })
        }
        // Characters are code points: up to four bytes each.
        let limit = min(16 * 1024 * 1024, max(4096, config.maxOutputCharacters * 4 + 4))
        let window = CrossSheetContext.lookback(config, sheet: sheet)
        var earlier: [Int: CrossSheetContext.EarlierSheet] = [:]
        for state in states where window.contains(state.number) {
            var stdout: String?
            if state.status == .completed, state.attempts > 0 {
                func path(_ stream: String) -> String {
                    WorkspaceFiles.attemptOutput(workspace: workspace, jobID: jobID, sheet: state.number, attempt: state.attempts, stream: stream)
                }
                stdout = OutputTail.head(of: path("result"), limit: limit) ?? OutputTail.head(of: path("out"), limit: limit) ?? state.stdoutTail
            }
            earlier[state.number] = .init(status: state.status, stdout: stdout)
        }
        return earlier
    }

    func expand(_ text: String, sheet: PlannedSheet, quote: Bool) -> String {
        ScoreRenderer.expandPlaceholders(text, sheet: sheet, totalSheets: totalSheets, workspace: workspace, jobID: jobID, quoteForShell: quote)
    }

    static func mtime(_ path: String) -> Double? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
    }
}

/// A compiled regular expression that can cross concurrency domains (it is immutable).
struct RegexBox: @unchecked Sendable {
    let regex: NSRegularExpression

    init?(_ pattern: String) {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return nil }
        self.regex = regex
    }

    func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
