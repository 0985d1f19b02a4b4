import Foundation
import MarianneCore
import MarianneProtocol

/// What a job runs, read and changed: `job.config` (the score or module request),
/// `job.restart` (a finished job run again as a new one; the old one stays), and `job.edit`
/// (a new score for a job that has not started, or for a paused or ended one, whose
/// completed sheets stay done; `resume` continues it).
struct JobRevisions: Sendable {
    let store: JobStore
    let queue: JobQueue
    let submission: JobSubmission
    let control: JobControl
    let log: JobLog

    func config(_ id: String) async throws -> JobConfigResult {
        let row = try await store.row(id)
        let snapshot: String
        if let stored = row.configSnapshot {
            snapshot = stored
        } else {
            snapshot = store.snapshot(of: row, checkpoint: try await store.checkpoint(of: row))
        }
        return JobConfigResult(jobID: id, kind: row.kind, status: row.jobStatus, config: snapshot, configPath: row.configPath)
    }

    func restart(_ params: RestartParams) async throws -> SubmitResult {
        let row = try await store.row(params.jobID)
        guard row.jobStatus.isTerminal else {
            throw JobError.invalidParams("job \(row.id) is \(row.status); only a finished job can be run again as a new job (resume continues this one)")
        }
        let old = try await config(row.id)
        let id: String
        if let given = params.id { id = given } else { id = try await freeID(after: row.id) }
        let previous = try? await store.registry.queueRows([row.id])[row.id]
        var queue = params.queue ?? QueueOptions()
        queue.group = queue.group ?? previous?.groupName
        queue.label = queue.label ?? previous?.label
        queue.command = queue.command ?? previous?.command
        let options = queue.isEmpty ? nil : queue
        if row.kind == "module" {
            let request: ModuleRunRequest
            do { request = try JSONDecoder.wire.decode(ModuleRunRequest.self, from: Data(old.config.utf8)) } catch {
                throw JobError.checkpoint("the module request of job \(row.id) cannot be read: \(error)")
            }
            return try await submission.startModule(StartModuleParams(
                moduleID: request.moduleID, inputs: request.inputs, settings: request.settings, id: id, replace: false, queue: options
            ))
        }
        let base = row.configPath.map { ($0 as NSString).deletingLastPathComponent } ?? row.workspace
        let result = try await submission.submit(SubmitParams(
            configContent: old.config, workspace: row.workspace, id: id, baseDirectory: base, replace: false, queue: options
        ))
        log.append(result.jobID, level: "INFO", message: "job \(row.id) run again as this job")
        return result
    }

    /// `ID-2`, `ID-3`, ...: the first id no job has.
    private func freeID(after id: String) async throws -> String {
        let stem = String(id.prefix(58))
        for number in 2...10_000 {
            let candidate = "\(stem)-\(number)"
            if try await store.find(candidate) == nil { return candidate }
        }
        throw JobError.invalidParams("no free id after \(id); give one with --id")
    }

    func edit(_ params: EditParams) async throws -> JobActionResult {
        let row = try await store.row(params.jobID)
        guard row.kind == "score" else { throw JobError.invalidParams("job \(row.id) runs a module; only a score can be edited") }
        if let base = params.baseDirectory, !base.hasPrefix("/") { throw JobError.invalidParams("base_directory must be absolute: \(base)") }
        let base = params.baseDirectory ?? row.configPath.map { ($0 as NSString).deletingLastPathComponent } ?? row.workspace
        let workspace = row.workspace
        let content = params.configContent
        let loaded: LoadedScore
        do {
            loaded = try await OffPool.run { try ScoreLoader.load(yaml: content, baseDirectory: base, path: nil, workspaceOverride: workspace) }
        } catch let error as ScoreValidationError {
            throw JobError.invalidScore(error.problems)
        } catch {
            throw JobError.invalidParams("\(error)")
        }
        switch row.jobStatus {
        case .pending where row.startedAt == nil:
            return try await replaceQueued(row, loaded: loaded)
        case .paused, .failed, .cancelled, .stopped:
            guard await queue.liveJob(row.id) == nil else {
                throw JobError.invalidParams("job \(row.id) is paused with its processes stopped; resume or cancel it before editing it")
            }
            try await replaceIdle(row, loaded: loaded)
            if params.resume == true { return try await control.resume(row.id, reload: false) }
            return JobActionResult(success: true, jobID: row.id, status: row.jobStatus, message: "job \(row.id) has its new score; mzt resume \(row.id) continues it")
        case .pending, .running:
            throw JobError.invalidParams("job \(row.id) is \(row.status); pause it first (mzt modify pauses it for you)")
        case .completed:
            throw JobError.invalidParams("job \(row.id) completed; submit the new score, or run it again with `mzt restart-job \(row.id)`")
        }
    }

    /// A job that never started: the new score from its first sheet, in the same place in the queue.
    private func replaceQueued(_ row: JobRow, loaded: LoadedScore) async throws -> JobActionResult {
        let position = await queue.position(row.id)
        guard await queue.takePending(row.id) else {
            throw JobError.invalidParams("job \(row.id) is starting; pause it first")
        }
        var checkpoint = try await store.checkpoint(of: row)
        checkpoint.configSnapshot = loaded.source
        checkpoint.configHash = ConfigHash.of(loaded.source)
        checkpoint.totalSheets = loaded.sheets.count
        checkpoint.sheets = loaded.sheets.map { SheetState(number: $0.number) }
        checkpoint.lastCompletedSheet = 0
        let changes = RowChanges(completedSheets: 0, totalSheets: loaded.sheets.count, configSnapshot: loaded.source)
        let moved = try await store.transition(row.id, from: [.pending], to: .pending, changes)
        if moved { try await store.save(checkpoint, of: row) }
        await queue.enqueue(row.id)
        if let position { _ = await queue.move(row.id, to: position) }
        guard moved else { throw JobError.invalidState(row.id, try await store.row(row.id).jobStatus, operation: .pause) }
        log.append(row.id, level: "INFO", message: "score edited before the job started (\(loaded.sheets.count) sheet\(loaded.sheets.count == 1 ? "" : "s"))")
        return JobActionResult(success: true, jobID: row.id, status: .pending, message: "job \(row.id) edited; it keeps its place in the queue")
    }

    /// A paused or ended job: the new score, with the sheets it completed kept (by number).
    private func replaceIdle(_ row: JobRow, loaded: LoadedScore) async throws {
        var checkpoint = try await store.checkpoint(of: row)
        let previous = Dictionary(checkpoint.sheets.map { ($0.number, $0) }, uniquingKeysWith: { first, _ in first })
        checkpoint.configSnapshot = loaded.source
        checkpoint.configHash = ConfigHash.of(loaded.source)
        checkpoint.totalSheets = loaded.sheets.count
        checkpoint.sheets = loaded.sheets.map { sheet in previous[sheet.number].flatMap { $0.status == .completed ? $0 : nil } ?? SheetState(number: sheet.number) }
        let done = checkpoint.sheets.filter { $0.status == .completed }.count
        let changes = RowChanges(finishedAt: .some(row.finishedAt), completedSheets: done, totalSheets: loaded.sheets.count, configSnapshot: loaded.source)
        guard try await store.transition(row.id, from: [row.jobStatus], to: row.jobStatus, changes) else {
            throw JobError.invalidState(row.id, try await store.row(row.id).jobStatus, operation: .resume)
        }
        try await store.save(checkpoint, of: row)
        log.append(row.id, level: "INFO", message: "score changed: \(loaded.sheets.count) sheet\(loaded.sheets.count == 1 ? "" : "s"), \(done) already completed")
    }
}
