import Foundation
import MarianneCore
import MarianneProtocol

/// What the score runner needs from one attempt of a sheet (a seam for tests).
protocol SheetAttempting: Sendable {
    var killGrace: Double { get }
    var baseEnvironment: [String: String] { get }
    /// `reattach`: the Slurm job of this attempt an earlier conductor submitted; it is
    /// followed, not submitted again. `started` gets what the runner records of the attempt.
    func run(
        sheet: PlannedSheet, attempt: Int, failureContext: String?, earlier: [SheetState], reattach: SlurmAttemptRecord?,
        started: @escaping @Sendable (AttemptHandle) async -> Void, output: (stdout: OutputLines, stderr: OutputLines)?
    ) async -> AttemptResult
}

/// Runs one attempt of one sheet: renders the command (off the cooperative pool), has the
/// sheet's executor run it (a local process group, or a Slurm job), then checks the
/// validations stage by stage.
struct SheetAttempt: SheetAttempting {
    let jobID: String
    let loaded: LoadedScore
    let killGrace: Double
    let baseEnvironment: [String: String]
    let rateLimitPatterns: [RegexBox]
    /// The score's template, parsed once for every attempt (nil: it does not parse, and each
    /// attempt reports why).
    let template: Template?
    let executors: ExecutorChoice

    init(jobID: String, loaded: LoadedScore, killGrace: Double, baseEnvironment: [String: String], executors: ExecutorChoice = .local) {
        self.jobID = jobID
        self.loaded = loaded
        self.killGrace = killGrace
        self.baseEnvironment = baseEnvironment
        self.rateLimitPatterns = loaded.score.backend.rateLimitPatterns.compactMap(RegexBox.init)
        self.template = try? Template(loaded.score.prompt.template)
        self.executors = executors
    }

    var workspace: String { loaded.workspace }
    var totalSheets: Int { loaded.sheets.count }

    /// Prompt over this many bytes go through stdin instead of `-p PROMPT`.
    static let maxPromptArgumentBytes = 100_000

    /// Runs the attempt. `started` gets the child (or the Slurm job) as soon as it exists,
    /// so the caller can record it and freeze it.
    func run(
        sheet: PlannedSheet, attempt: Int, failureContext: String?, earlier: [SheetState], reattach: SlurmAttemptRecord? = nil,
        started: @escaping @Sendable (AttemptHandle) async -> Void, output: (stdout: OutputLines, stderr: OutputLines)? = nil
    ) async -> AttemptResult {
        let prepared: Prepared
        do {
            prepared = try await OffPool.run {
                if let reattach { return self.prepareReattach(sheet: sheet, attempt: attempt, record: reattach) }
                return try self.prepare(sheet: sheet, attempt: attempt, failureContext: failureContext, earlier: earlier, output: output)
            }
        } catch let error as PreparationError {
            return .failed(error.message)
        } catch {
            return .failed("\(error)")
        }
        let backend = loaded.score.backend
        let timeout = backend.timeoutSeconds(forSheet: sheet.number)
        let request = ExecutionRequest(
            jobID: jobID, sheet: sheet.number, attempt: attempt, workspace: workspace, command: prepared.spec,
            stdoutPath: prepared.stdoutPath, stderrPath: prepared.stderrPath, output: output, timeout: timeout,
            grace: killGrace, reattach: reattach
        )
        let outcome: ExecutionResult
        do {
            outcome = try await executors.executor(for: sheet).execute(request, handle: started)
        } catch {
            return .failed("could not start the backend: \(error)", spawn: error.kind)
        }
        var result = AttemptResult(
            status: outcome.status, timedOut: outcome.timedOut, rateLimited: false, validations: [],
            stdoutTail: OutputTail.of(prepared.stdoutPath), stderrTail: OutputTail.of(prepared.stderrPath), failure: nil
        )
        if outcome.lost {
            result.failure = outcome.failure ?? "the Slurm job is gone"
            result.slurmJobLost = true
            return result
        }
        if outcome.cancelled {
            result.failure = "interrupted"
            return result
        }
        if outcome.timedOut {
            result.failure = outcome.failure ?? "timed out after \(DurationFormatter.human(timeout ?? 0))"
            return result
        }
        guard outcome.status.exitCode == 0, outcome.failure == nil else {
            if backend.type == .claudeCLI, matchesRateLimit(result.stdoutTail + "\n" + result.stderrTail) {
                result.rateLimited = true
            }
            result.failure = outcome.failure ?? outcome.status.description
            return result
        }
        let validations = SheetValidations(attempt: self, sheet: sheet, placeholders: prepared.placeholders)
        result.validations = await validations.run(mtimesBefore: prepared.mtimesBefore)
        if let failed = result.validations.first(where: { !$0.passed }) {
            result.failure = "validation failed: \(failed.description)" + (failed.message.map { " (\($0))" } ?? "")
        }
        return result
    }

    // MARK: Preparation (blocking: rendering, stats, the log folder)

    struct Prepared: Sendable {
        /// nil when re-attaching: the command was submitted by an earlier conductor.
        var spec: ProcessSpec?
        var stdoutPath: String
        var stderrPath: String
        var mtimesBefore: [String: Double?]
        var placeholders: SheetPlaceholders
    }

    struct PreparationError: Error {
        var message: String
    }

    private func prepare(
        sheet: PlannedSheet, attempt: Int, failureContext: String?, earlier: [SheetState], output: (stdout: OutputLines, stderr: OutputLines)?
    ) throws -> Prepared {
        var info = stat()
        guard stat(workspace, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw PreparationError(message: "workspace \(workspace) no longer exists")
        }
        let prompt: String
        do {
            let crossSheet = CrossSheetContext.collect(loaded.score.crossSheet, sheet: sheet.number, earlier: earlierOutputs(earlier), workspace: workspace)
            prompt = try SheetPrompt.render(loaded, sheet: sheet, jobID: jobID, crossSheet: crossSheet, template: template).text
        } catch {
            throw PreparationError(message: "template error: \(error)")
        }
        let placeholders = SheetPlaceholders(loaded, sheet: sheet, jobID: jobID)
        let mtimesBefore = Dictionary(modifiedPaths(sheet, placeholders).map { ($0, Self.mtime($0)) }, uniquingKeysWith: { first, _ in first })
        let stdoutPath = WorkspaceFiles.attemptOutput(workspace: workspace, jobID: jobID, sheet: sheet.number, attempt: attempt, stream: "out")
        let stderrPath = WorkspaceFiles.attemptOutput(workspace: workspace, jobID: jobID, sheet: sheet.number, attempt: attempt, stream: "err")
        do {
            try SafeFile.ensureDirectory(WorkspaceFiles.logDirectory(workspace: workspace, jobID: jobID), under: workspace)
        } catch {
            throw PreparationError(message: "the attempt's log folder cannot be made: \(error)")
        }
        let backend = loaded.score.backend
        var environment = baseEnvironment
        for (key, value) in backend.env { environment[key] = value }
        environment["MZT_JOB_ID"] = jobID
        environment["MZT_SHEET_NUM"] = String(sheet.number)
        environment["MZT_TOTAL_SHEETS"] = String(totalSheets)
        environment["MZT_WORKSPACE"] = workspace
        environment["MZT_ATTEMPT"] = String(attempt)
        if let failureContext { environment["MZT_FAILURE_CONTEXT"] = failureContext }
        var workingDirectory = workspace
        if let dir = backend.workingDirectory {
            workingDirectory = dir.hasPrefix("/") ? dir : (workspace as NSString).appendingPathComponent(dir)
        }
        let stdout: ProcessSpec.Output = output.map { .fileAndLines(stdoutPath, $0.stdout) } ?? .file(stdoutPath)
        let stderr: ProcessSpec.Output = output.map { .fileAndLines(stderrPath, $0.stderr) } ?? .file(stderrPath)
        var spec: ProcessSpec
        switch backend.type {
        case .command:
            spec = ProcessSpec(
                executable: "/bin/bash", arguments: ["-c", prompt], environment: environment,
                workingDirectory: workingDirectory, stdin: .null, stdout: stdout, stderr: stderr
            )
        case .claudeCLI:
            var text = prompt
            if let failureContext {
                text += "\n\nThe previous attempt failed. Failure context:\n\(failureContext)\n"
            }
            var arguments = backend.cliArgs
            var stdin = ProcessSpec.Input.null
            if text.utf8.count <= Self.maxPromptArgumentBytes {
                arguments += ["-p", text]
            } else {
                arguments += ["-p"]
                stdin = .bytes(Array(text.utf8))
            }
            spec = ProcessSpec(
                executable: backend.executable ?? "claude", arguments: arguments, environment: environment,
                workingDirectory: workingDirectory, stdin: stdin, stdout: stdout, stderr: stderr
            )
        }
        return Prepared(spec: spec, stdoutPath: stdoutPath, stderrPath: stderrPath, mtimesBefore: mtimesBefore, placeholders: placeholders)
    }

    /// A re-attached attempt: its files, and the submission time as the "before" of every
    /// `file_modified` rule (a file changed since the job was submitted was changed by it).
    private func prepareReattach(sheet: PlannedSheet, attempt: Int, record: SlurmAttemptRecord) -> Prepared {
        let placeholders = SheetPlaceholders(loaded, sheet: sheet, jobID: jobID)
        let submitted = record.submittedAt.timeIntervalSince1970
        let mtimesBefore = Dictionary(modifiedPaths(sheet, placeholders).map { ($0, Optional(submitted)) }, uniquingKeysWith: { first, _ in first })
        return Prepared(
            spec: nil, stdoutPath: WorkspaceFiles.attemptOutput(workspace: workspace, jobID: jobID, sheet: sheet.number, attempt: attempt, stream: "out"),
            stderrPath: WorkspaceFiles.attemptOutput(workspace: workspace, jobID: jobID, sheet: sheet.number, attempt: attempt, stream: "err"),
            mtimesBefore: mtimesBefore, placeholders: placeholders
        )
    }

    private func modifiedPaths(_ sheet: PlannedSheet, _ placeholders: SheetPlaceholders) -> [String] {
        loaded.score.validations.filter { $0.type == .fileModified && $0.applies(to: sheet, placeholders: placeholders) }
            .compactMap { try? $0.expandedPath(placeholders, workspace: workspace) }
    }

    /// Earlier sheets as `previous_outputs` needs them: the start of the standard output of
    /// each completed sheet's last attempt (read only when the score captures it).
    private func earlierOutputs(_ states: [SheetState]) -> [Int: CrossSheetContext.EarlierSheet] {
        guard let config = loaded.score.crossSheet, config.autoCaptureStdout else {
            return Dictionary(states.map { ($0.number, .init(status: $0.status, stdout: nil)) }, uniquingKeysWith: { $1 })
        }
        // Characters are code points: up to four bytes each.
        let limit = min(16 * 1024 * 1024, max(4096, config.maxOutputCharacters * 4 + 4))
        var earlier: [Int: CrossSheetContext.EarlierSheet] = [:]
        for state in states {
            var stdout: String?
            if state.status == .completed, state.attempts > 0 {
                let path = WorkspaceFiles.attemptOutput(workspace: workspace, jobID: jobID, sheet: state.number, attempt: state.attempts, stream: "out")
                stdout = OutputTail.head(of: path, limit: limit) ?? state.stdoutTail
            }
            earlier[state.number] = .init(status: state.status, stdout: stdout)
        }
        return earlier
    }

    func expand(_ text: String, sheet: PlannedSheet, quote: Bool) -> String {
        ScoreRenderer.expandPlaceholders(text, sheet: sheet, totalSheets: totalSheets, workspace: workspace, jobID: jobID, quoteForShell: quote)
    }

    private func matchesRateLimit(_ text: String) -> Bool {
        rateLimitPatterns.contains { $0.matches(text) }
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
