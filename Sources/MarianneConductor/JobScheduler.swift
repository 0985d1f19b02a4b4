import Foundation
import MarianneProtocol
import Logging
import MarianneCore

/// Owns every job of the conductor: the queue, the concurrency limit, the runners, and the
/// registry rows. All job methods go through it.
public actor JobScheduler {
    struct Active {
        var runner: JobRunner?
        var task: Task<Void, Never>?
        var frozen = false
    }

    let environment: ConductorEnvironment
    let registry: Registry
    var logger: Logger { environment.logger }
    var settings: ConductorSettings { environment.settings }

    /// Jobs with a live runner (running, or paused with `--now`).
    var active: [String: Active] = [:]
    /// Pending job ids in FIFO order.
    var queue: [String] = []
    var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]
    var acceptingWork = true
    var recoveredJobs = 0
    var cleanupTask: Task<Void, Never>?
    /// Last log sequence number per job.
    var logSeqs: [String: Int] = [:]
    let logHub = JobLogHub()
    /// Scores parsed at submission, kept until their job starts so they are not parsed twice.
    var parsedScores: [String: LoadedScore] = [:]
    /// Modules registered in-process by the program that built the scheduler.
    let builtinModules: [String: JobModule]
    let startedAt = Date()

    /// A scheduler whose registry lives in the conductor's home. `modules` are in-process
    /// modules (Swift types) that jobs can run besides the installed ones.
    public init(environment: ConductorEnvironment, modules: [JobModule] = []) throws {
        self.environment = environment
        try FileManager.default.createDirectory(atPath: environment.home.root, withIntermediateDirectories: true)
        self.registry = try Registry(path: environment.home.registryPath)
        self.builtinModules = Dictionary(modules.map { ($0.manifest.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    var runningCount: Int { active.count }

    // MARK: Submit

    func submit(_ params: SubmitParams) throws -> SubmitResult {
        guard acceptingWork else { throw RPCError(.shuttingDown, "the conductor is shutting down; submit again after it restarts") }
        let loaded = try loadScore(params)
        let jobID = params.id ?? loaded.score.name
        try Self.checkJobID(jobID)
        if let existing = try registry.job(jobID), !existing.jobStatus.isTerminal {
            throw RPCError(
                .alreadyRunning,
                "job \(jobID) is already \(existing.status); resume it with `mzt resume \(jobID)` or cancel it with `mzt cancel \(jobID)`, or submit with --id NEW_ID"
            )
        }
        try prepareWorkspace(loaded.workspace, jobID: jobID)
        var maxDuration = loaded.score.maxDurationSeconds
        if let text = params.maxDuration {
            do { maxDuration = try DurationParser.parse(text) } catch { throw RPCError(.invalidParams, "max_duration: \(error)") }
        }
        let startSheet = params.startSheet ?? 1
        guard startSheet >= 1, startSheet <= max(1, loaded.sheets.count) else {
            throw RPCError(.invalidParams, "start_sheet \(startSheet) is out of range: the score has \(loaded.sheets.count) sheets")
        }
        var checkpoint = JobCheckpoint(
            jobID: jobID, name: loaded.score.name, configHash: ConfigHash.of(loaded.source), configSnapshot: loaded.source,
            configPath: loaded.path, workspace: loaded.workspace, totalSheets: loaded.sheets.count,
            maxDurationSeconds: maxDuration, startSheet: startSheet, selfHealing: params.selfHealing ?? false,
            sheets: loaded.sheets.map { SheetState(number: $0.number) }
        )
        for i in checkpoint.sheets.indices where checkpoint.sheets[i].number < startSheet {
            checkpoint.sheets[i].status = .completed
            checkpoint.sheets[i].error = "marked done by --start-sheet \(startSheet)"
        }
        checkpoint.lastCompletedSheet = startSheet - 1
        let checkpointPath = CheckpointStore.path(workspace: loaded.workspace, jobID: jobID)
        do {
            // Not fsynced: a kill of the conductor cannot lose it (the page cache survives), and
            // a power loss before the first sheet ends loses nothing that has run.
            try CheckpointStore.write(checkpoint, to: checkpointPath, durable: false)
        } catch {
            throw RPCError(.workspaceInvalid, "workspace \(loaded.workspace) cannot be written: \(error)")
        }
        let row = JobRow(
            id: jobID, kind: "score", name: loaded.score.name, status: JobStatus.pending.rawValue, workspace: loaded.workspace,
            configPath: loaded.path, checkpointPath: checkpointPath, pid: nil, createdAt: Date().timeIntervalSince1970,
            startedAt: nil, finishedAt: nil, error: nil, currentSheet: nil, completedSheets: startSheet - 1,
            totalSheets: loaded.sheets.count, seq: try registry.nextSeq()
        )
        try registry.save(row)
        resetHistory(jobID)
        for warning in loaded.warnings {
            appendLog(jobID, level: "WARNING", message: "score: \(warning)")
        }
        appendLog(jobID, level: "INFO", message: "job queued (\(loaded.sheets.count) sheets)")
        parsedScores[jobID] = loaded
        queue.append(jobID)
        dispatch()
        let status: JobStatus = active[jobID] != nil ? .running : .pending
        return SubmitResult(
            jobID: jobID, name: loaded.score.name, status: status, workspace: loaded.workspace,
            totalSheets: loaded.sheets.count, queuePosition: queue.firstIndex(of: jobID).map { $0 + 1 }
        )
    }

    private func loadScore(_ params: SubmitParams) throws -> LoadedScore {
        do {
            if let path = params.configPath {
                guard path.hasPrefix("/") else {
                    throw RPCError(.invalidParams, "config_path must be absolute: \(path)")
                }
                guard !path.split(separator: "/").contains("..") else {
                    throw RPCError(.invalidParams, "config_path must not contain '..': \(path)")
                }
                return try ScoreLoader.load(path: path, workspaceOverride: params.workspace)
            }
            if let content = params.configContent {
                let base = params.baseDirectory ?? FileManager.default.currentDirectoryPath
                return try ScoreLoader.load(yaml: content, baseDirectory: base, path: nil, workspaceOverride: params.workspace)
            }
        } catch let error as ScoreValidationError {
            throw Self.invalidScore(error)
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(.invalidParams, "\(error)")
        }
        throw RPCError(.invalidParams, "job.submit needs config_path or config_content")
    }

    static func invalidScore(_ error: ScoreValidationError) -> RPCError {
        let problems = error.problems.filter { $0.severity == .error }
        let data = JSONValue.array(problems.map { problem in
            var object: [String: JSONValue] = ["code": .string(problem.code), "message": .string(problem.message)]
            if let line = problem.line { object["line"] = .int(line) }
            if let column = problem.column { object["column"] = .int(column) }
            if let hint = problem.hint { object["hint"] = .string(hint) }
            return .object(object)
        })
        return RPCError(.invalidScore, "the score is invalid (\(problems.count) problem\(problems.count == 1 ? "" : "s"))", data: data)
    }

    static func checkJobID(_ id: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !id.isEmpty, id.count <= 64, !id.hasPrefix("."), id.allSatisfy(allowed.contains) else {
            throw RPCError(.invalidParams, "invalid job id \"\(id)\": use 1-64 letters, digits, '.', '_' or '-', not starting with '.'")
        }
    }

    private func prepareWorkspace(_ path: String, jobID: String) throws {
        var info = stat()
        if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK {
            throw RPCError(.workspaceInvalid, "workspace \(path) is a symlink; refusing it (use the real directory)")
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw RPCError(.workspaceInvalid, "workspace \(path) cannot be created: \(error.localizedDescription)")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RPCError(.workspaceInvalid, "workspace \(path) is not a directory")
        }
        guard access(path, W_OK) == 0 else {
            throw RPCError(.workspaceInvalid, "workspace \(path) cannot be written; choose another with --workspace")
        }
        // Signal files left from an earlier run must not pause or cancel the new one.
        try? FileManager.default.removeItem(atPath: WorkspaceFiles.pauseSignal(workspace: path, jobID: jobID))
        try? FileManager.default.removeItem(atPath: WorkspaceFiles.cancelSignal(workspace: path, jobID: jobID))
    }

    // MARK: Dispatch

    /// Starts queued jobs while there are free slots.
    func dispatch() {
        while acceptingWork, runningCount < settings.maxConcurrentJobs, !queue.isEmpty {
            let jobID = queue.removeFirst()
            do {
                try start(jobID)
            } catch {
                logger.error("job could not start", metadata: ["job": "\(jobID)", "error": "\(error)"])
                try? finishRow(jobID, status: .failed, error: "could not start: \(error)")
                appendLog(jobID, level: "ERROR", message: "job could not start: \(error)")
                jobEnded(jobID)
            }
        }
    }

    private func start(_ jobID: String) throws {
        guard var row = try registry.job(jobID) else { return }
        let checkpointPath = row.checkpointPath ?? CheckpointStore.path(workspace: row.workspace, jobID: jobID)
        let checkpoint = try CheckpointStore.read(from: checkpointPath)
        let runner: JobRunner
        if checkpoint.kind == "module" {
            runner = try moduleRunner(jobID: jobID, checkpoint: checkpoint, checkpointPath: checkpointPath)
        } else {
            let loaded: LoadedScore
            if let parsed = parsedScores.removeValue(forKey: jobID), parsed.source == checkpoint.configSnapshot,
               parsed.workspace == checkpoint.workspace {
                loaded = parsed
            } else {
                loaded = try ScoreLoader.load(
                    yaml: checkpoint.configSnapshot,
                    baseDirectory: checkpoint.configPath.map { ($0 as NSString).deletingLastPathComponent } ?? checkpoint.workspace,
                    path: checkpoint.configPath, workspaceOverride: checkpoint.workspace
                )
            }
            runner = ScoreRunner(
                jobID: jobID, loaded: loaded, checkpoint: checkpoint, checkpointPath: checkpointPath,
                killGrace: settings.killGraceSeconds, events: self
            )
        }
        row.status = JobStatus.running.rawValue
        row.pid = getpid()
        if row.startedAt == nil { row.startedAt = Date().timeIntervalSince1970 }
        row.finishedAt = nil
        row.error = nil
        try registry.save(row)
        let task = Task { [weak self] in
            let outcome = await runner.run()
            await self?.runnerFinished(jobID, outcome: outcome)
        }
        active[jobID] = Active(runner: runner, task: task)
        appendLog(jobID, level: "INFO", message: "job started")
        logger.info("job started", metadata: ["job": "\(jobID)"])
    }

    private func runnerFinished(_ jobID: String, outcome: RunOutcome) {
        active[jobID] = nil
        if outcome != .interrupted {
            try? finishRow(jobID, status: outcome.status, error: outcome.error)
        }
        switch outcome {
        case .completed: appendLog(jobID, level: "INFO", message: "job completed")
        case .failed(let reason): appendLog(jobID, level: "ERROR", message: "job failed: \(reason)")
        case .cancelled: appendLog(jobID, level: "WARNING", message: "job cancelled")
        case .stopped(let reason): appendLog(jobID, level: "WARNING", message: "job stopped: \(reason)")
        case .paused: appendLog(jobID, level: "INFO", message: "job paused")
        case .interrupted: appendLog(jobID, level: "INFO", message: "job interrupted by conductor shutdown; it resumes when the conductor starts again")
        }
        logger.info("job ended", metadata: ["job": "\(jobID)", "status": "\(outcome.status.rawValue)"])
        if outcome.status.isTerminal {
            jobEnded(jobID)
        } else {
            wakeWaiters(jobID)
        }
        dispatch()
    }

    func finishRow(_ jobID: String, status: JobStatus, error: String?) throws {
        guard var row = try registry.job(jobID) else { return }
        row.status = status.rawValue
        row.error = error
        row.currentSheet = nil
        row.processGroups = nil
        if status.isTerminal { row.finishedAt = Date().timeIntervalSince1970 }
        if let path = row.checkpointPath, let checkpoint = try? CheckpointStore.read(from: path) {
            row.completedSheets = checkpoint.sheets.count(where: { $0.status == .completed })
        }
        try registry.save(row)
    }

    func wakeWaiters(_ jobID: String) {
        for waiter in waiters.removeValue(forKey: jobID) ?? [] { waiter.resume() }
    }
}

extension JobScheduler: JobEventSink {

    func log(jobID: String, level: String, message: String) async {
        appendLog(jobID, level: level, message: message)
    }

    func sheetEvent(jobID: String, level: String, message: String, progress: SheetProgress) async {
        appendLog(jobID, level: level, message: message, progress: progress)
    }

    func processGroups(jobID: String, groups: [Int32]) async {
        try? registry.setProcessGroups(jobID, groups)
    }

    func result(jobID: String, data: JSONValue) async {
        do {
            let seq = try registry.appendResult(jobID, data: data)
            appendLog(jobID, level: "DEBUG", message: "result \(seq) saved")
        } catch {
            appendLog(jobID, level: "ERROR", message: "result could not be saved: \(error)")
        }
    }

    func submitFollowUp(jobID: String, path: String, relativeTo directory: String) async {
        let absolute = path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)
        do {
            let result = try submit(SubmitParams(configPath: absolute.lexicallyNormalized))
            await log(jobID: jobID, level: "INFO", message: "on_success submitted job \(result.jobID)")
        } catch {
            await log(jobID: jobID, level: "ERROR", message: "on_success run_job \(path) failed: \(error)")
        }
    }
}

extension Logger.Level {
    init(jobLevel: String) {
        switch jobLevel.uppercased() {
        case "DEBUG": self = .debug
        case "WARNING", "WARN": self = .warning
        case "ERROR": self = .error
        case "CRITICAL": self = .critical
        default: self = .info
        }
    }
}
