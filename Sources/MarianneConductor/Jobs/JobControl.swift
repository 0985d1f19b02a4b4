import Foundation
import Logging
import MarianneCore
import MarianneProtocol

/// Pause, resume and cancel. Each reads the job's state, acts, and after every `await`
/// checks again what it acted on: row changes are guarded transitions, so a runner that
/// finished meanwhile is never overwritten.
struct JobControl: Sendable {
    let store: JobStore
    let log: JobLog
    let queue: JobQueue
    let waiters: JobWaiters
    let killGrace: Double
    let home: String
    let logger: Logger

    // MARK: Pause

    func pause(_ id: String, now: Bool) async throws -> JobActionResult {
        let row = try await store.row(id)
        let tookPending = row.jobStatus == .pending ? await queue.takePending(id) : false
        switch row.jobStatus {
        case .pending where tookPending:
            try await settleIdle(row, to: .paused, from: [.pending], pausedByUser: true)
            log.append(id, level: "INFO", message: "job paused before it started")
            waiters.wake(id)
            return JobActionResult(success: true, jobID: id, status: .paused, message: "job \(id) paused before it started")
        case .pending, .running:
            guard let live = await queue.liveJob(id) else { break }
            guard let runner = live.runner else {
                if await queue.requestWhileStarting(id, cancel: false) {
                    return JobActionResult(success: true, jobID: id, status: .running, message: "job \(id) will pause at the next sheet boundary")
                }
                break
            }
            if now {
                await runner.freeze(true)
                guard await queue.setFrozen(id, true) else {
                    // It ended while its processes were being stopped.
                    let current = try await store.row(id)
                    return JobActionResult(success: false, jobID: id, status: current.jobStatus, message: "job \(id) ended before it could be paused; it is \(current.status)")
                }
                try await store.transition(id, from: [.running], to: .paused)
                log.append(id, level: "INFO", message: "job paused now: its processes are stopped (SIGSTOP)")
                waiters.wake(id)
                return JobActionResult(success: true, jobID: id, status: .paused, message: "job \(id) paused now; its processes are stopped")
            }
            let pauseFile = WorkspaceFiles.pauseSignal(workspace: row.workspace, jobID: id)
            await OffPool.run { _ = FileManager.default.createFile(atPath: pauseFile, contents: nil) }
            await runner.requestPause()
            log.append(id, level: "INFO", message: "pause requested: the job pauses at the next sheet boundary")
            return JobActionResult(success: true, jobID: id, status: .running, message: "job \(id) will pause at the next sheet boundary")
        default:
            break
        }
        let current = try await store.row(id)
        throw JobError.invalidState(id, current.jobStatus, operation: .pause)
    }

    // MARK: Resume

    func resume(_ id: String, reload: Bool) async throws -> JobActionResult {
        guard await queue.isAccepting else { throw JobError.shuttingDown }
        if let live = await queue.liveJob(id), live.frozen, let runner = live.runner {
            await runner.freeze(false)
            _ = await queue.setFrozen(id, false)
            let row = try await store.row(id)
            // A guarded change: a runner that finished meanwhile keeps its final status.
            let moved = try await store.transition(id, from: [.paused], to: .running)
            await OffPool.run { _ = unlink(WorkspaceFiles.pauseSignal(workspace: row.workspace, jobID: id)) }
            log.append(id, level: "INFO", message: "job resumed: its processes continue (SIGCONT)")
            let status = moved ? JobStatus.running : try await store.row(id).jobStatus
            return JobActionResult(success: true, jobID: id, status: status, message: "job \(id) continues")
        }
        var row = try await store.row(id)
        switch row.jobStatus {
        case .paused, .failed, .cancelled, .stopped:
            break
        case .completed, .running, .pending:
            throw JobError.invalidState(id, row.jobStatus, operation: .resume)
        }
        var checkpoint = try await store.checkpoint(of: row)
        // A sheet left running (paused with --now before a conductor crash) is stopped
        // first, so a second copy never runs beside it.
        await LeftoverProcesses.stop(jobs: [id], home: home, grace: killGrace, logger: logger)
        var changes = RowChanges(finishedAt: .some(nil), error: .some(nil))
        if reload {
            let loaded = try await reloadScore(checkpoint)
            let previous = Dictionary(checkpoint.sheets.map { ($0.number, $0) }, uniquingKeysWith: { first, _ in first })
            checkpoint.configSnapshot = loaded.source
            checkpoint.configHash = ConfigHash.of(loaded.source)
            checkpoint.totalSheets = loaded.sheets.count
            checkpoint.sheets = loaded.sheets.map { previous[$0.number] ?? SheetState(number: $0.number) }
            changes.totalSheets = loaded.sheets.count
            changes.configSnapshot = loaded.source
        }
        for i in checkpoint.sheets.indices where checkpoint.sheets[i].status != .completed {
            checkpoint.sheets[i].status = .pending
            checkpoint.sheets[i].error = nil
            checkpoint.sheets[i].processGroup = nil
        }
        checkpoint.status = .pending
        checkpoint.error = nil
        checkpoint.finishedAt = nil
        checkpoint.pausedByUser = false
        checkpoint.processGroups = nil
        // The row is still what we read: nothing else resumed or deleted it meanwhile.
        guard try await store.transition(id, from: [row.jobStatus], to: .pending, changes) else {
            row = try await store.row(id)
            throw JobError.invalidState(id, row.jobStatus, operation: .resume)
        }
        do {
            try await store.save(checkpoint, of: row)
        } catch {
            _ = try? await store.transition(id, from: [.pending], to: row.jobStatus, RowChanges(error: .some("\(error)")))
            throw error
        }
        let workspace = row.workspace
        await OffPool.run {
            unlink(WorkspaceFiles.pauseSignal(workspace: workspace, jobID: id))
            unlink(WorkspaceFiles.cancelSignal(workspace: workspace, jobID: id))
        }
        await log.ensureBegun(id)
        log.append(id, level: "INFO", message: "job resumed from its checkpoint")
        await queue.enqueue(id)
        let live = await queue.liveJob(id) != nil
        return JobActionResult(success: true, jobID: id, status: live ? .running : .pending, message: "job \(id) resumed from its checkpoint")
    }

    private func reloadScore(_ checkpoint: JobCheckpoint) async throws -> LoadedScore {
        guard let path = checkpoint.configPath else {
            throw JobError.invalidParams("job \(checkpoint.jobID) was submitted from inline content; there is no file to reload")
        }
        do {
            return try await OffPool.run { try ScoreLoader.load(path: path, workspaceOverride: checkpoint.workspace) }
        } catch let error as ScoreValidationError {
            throw JobError.invalidScore(error.problems)
        } catch {
            throw JobError.invalidParams("\(error)")
        }
    }

    // MARK: Cancel

    func cancel(_ id: String) async throws -> JobActionResult {
        let row = try await store.row(id)
        if let live = await queue.liveJob(id) {
            log.append(id, level: "WARNING", message: "cancel requested")
            if let runner = live.runner {
                await runner.requestStop(.cancel)
                _ = await queue.setFrozen(id, false)
                return JobActionResult(success: true, jobID: id, status: .running, message: "job \(id) is being cancelled")
            }
            if await queue.requestWhileStarting(id, cancel: true) {
                return JobActionResult(success: true, jobID: id, status: .running, message: "job \(id) is being cancelled")
            }
        }
        switch row.jobStatus {
        case .pending, .paused:
            _ = await queue.takePending(id)
            try await settleIdle(row, to: .cancelled, from: [.pending, .paused], pausedByUser: false)
            log.append(id, level: "WARNING", message: "job cancelled")
            log.hub.finish(id)
            waiters.wake(id)
            return JobActionResult(success: true, jobID: id, status: .cancelled, message: "job \(id) cancelled")
        default:
            throw JobError.invalidState(id, row.jobStatus, operation: .cancel)
        }
    }

    /// Changes a job that has no runner: its row (guarded) and then its checkpoint.
    private func settleIdle(_ row: JobRow, to status: JobStatus, from: Set<JobStatus>, pausedByUser: Bool) async throws {
        guard try await store.transition(row.id, from: from, to: status) else {
            let current = try await store.row(row.id)
            throw JobError.invalidState(row.id, current.jobStatus, operation: status == .paused ? .pause : .cancel)
        }
        guard var checkpoint = try? await store.checkpoint(of: row) else { return }
        checkpoint.status = status
        checkpoint.pausedByUser = pausedByUser
        if status.isTerminal { checkpoint.finishedAt = Date() }
        do {
            try await store.save(checkpoint, of: row)
        } catch {
            log.append(row.id, level: "ERROR", message: "\(error)")
        }
    }

    // MARK: Delete and clear

    func delete(_ id: String) async throws -> DeleteResult {
        let row = try await store.row(id)
        guard row.jobStatus.isTerminal else { throw JobError.invalidState(id, row.jobStatus, operation: .delete) }
        let deleted: Bool
        do { deleted = try await store.registry.deleteTerminal(id) } catch { throw JobError.storage("\(error)") }
        if deleted { log.forget(id) }
        return DeleteResult(deleted: deleted)
    }

    func clear(statuses: [JobStatus]?, olderThan: String?) async throws -> ClearResult {
        var before: Double?
        if let text = olderThan {
            let seconds: Double
            do { seconds = try DurationParser.parse(text) } catch { throw JobError.invalidParams("older_than: \(error)") }
            guard seconds.isFinite, seconds >= 0, seconds <= 100 * 365 * 86_400 else {
                throw JobError.invalidParams("older_than must be at most 100 years, got \(text)")
            }
            before = Date().timeIntervalSince1970 - seconds
        }
        if let statuses, let active = statuses.first(where: { !$0.isTerminal }) {
            throw JobError.invalidParams("clear removes finished jobs only; \(active.rawValue) jobs are never cleared")
        }
        let removed: [String]
        do { removed = try await store.registry.deleteTerminal(statuses: statuses, finishedBefore: before) } catch {
            throw JobError.storage("\(error)")
        }
        for id in removed { log.forget(id) }
        return ClearResult(removed: removed)
    }
}
