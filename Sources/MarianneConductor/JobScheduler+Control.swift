import Foundation
import MarianneProtocol
import MarianneCore

extension JobScheduler {
    func row(_ jobID: String) throws -> JobRow {
        guard let row = try registry.job(jobID) else {
            throw RPCError(.jobNotFound, "no job \"\(jobID)\"; see `mzt list --all` for the known jobs")
        }
        return row
    }

    // MARK: Pause

    func pause(_ params: PauseParams) async throws -> JobActionResult {
        let row = try row(params.jobID)
        let id = params.jobID
        switch row.jobStatus {
        case .pending:
            queue.removeAll { $0 == id }
            parsedScores[id] = nil
            try setStatus(id, .paused, pausedByUser: true)
            appendLog(id, level: "INFO", message: "job paused before it started")
            wakeWaiters(id)
            return JobActionResult(success: true, jobID: id, status: .paused, message: "job \(id) paused before it started")
        case .running:
            guard let runner = active[id]?.runner else { break }
            if params.now == true {
                await runner.freeze(true)
                active[id]?.frozen = true
                try setStatus(id, .paused, pausedByUser: true, checkpointToo: false)
                appendLog(id, level: "INFO", message: "job paused now: its processes are stopped (SIGSTOP)")
                wakeWaiters(id)
                return JobActionResult(success: true, jobID: id, status: .paused, message: "job \(id) paused now; its processes are stopped")
            }
            FileManager.default.createFile(atPath: WorkspaceFiles.pauseSignal(workspace: row.workspace, jobID: id), contents: nil)
            await runner.requestPause()
            appendLog(id, level: "INFO", message: "pause requested: the job pauses at the next sheet boundary")
            return JobActionResult(success: true, jobID: id, status: .running, message: "job \(id) will pause at the next sheet boundary")
        default:
            break
        }
        throw RPCError(.invalidState, "job \(id) is \(row.status), not running; only a running or pending job can be paused")
    }

    // MARK: Resume

    func resume(_ params: ResumeParams) async throws -> JobActionResult {
        guard acceptingWork else { throw RPCError(.shuttingDown, "the conductor is shutting down") }
        let id = params.jobID
        var row = try row(id)
        if let live = active[id], live.frozen, let runner = live.runner {
            await runner.freeze(false)
            active[id]?.frozen = false
            row.status = JobStatus.running.rawValue
            try registry.save(row)
            try? FileManager.default.removeItem(atPath: WorkspaceFiles.pauseSignal(workspace: row.workspace, jobID: id))
            appendLog(id, level: "INFO", message: "job resumed: its processes continue (SIGCONT)")
            return JobActionResult(success: true, jobID: id, status: .running, message: "job \(id) continues")
        }
        switch row.jobStatus {
        case .paused, .failed, .cancelled, .stopped:
            break
        case .completed:
            throw RPCError(.invalidState, "job \(id) already completed; submit the score again to start a fresh run")
        case .running, .pending:
            throw RPCError(.invalidState, "job \(id) is \(row.status); there is nothing to resume")
        }
        let path = row.checkpointPath ?? CheckpointStore.path(workspace: row.workspace, jobID: id)
        var checkpoint: JobCheckpoint
        do {
            checkpoint = try CheckpointStore.read(from: path)
        } catch {
            throw RPCError(.invalidState, "job \(id) cannot be resumed: \(error)")
        }
        if params.reload == true {
            guard let configPath = checkpoint.configPath else {
                throw RPCError(.invalidParams, "job \(id) was submitted from inline content; there is no file to reload")
            }
            let loaded: LoadedScore
            do {
                loaded = try ScoreLoader.load(path: configPath, workspaceOverride: checkpoint.workspace)
            } catch let error as ScoreValidationError {
                throw Self.invalidScore(error)
            } catch {
                throw RPCError(.invalidParams, "\(error)")
            }
            let previous = Dictionary(uniqueKeysWithValues: checkpoint.sheets.map { ($0.number, $0) })
            checkpoint.configSnapshot = loaded.source
            checkpoint.configHash = ConfigHash.of(loaded.source)
            checkpoint.totalSheets = loaded.sheets.count
            checkpoint.sheets = loaded.sheets.map { previous[$0.number] ?? SheetState(number: $0.number) }
            row.totalSheets = loaded.sheets.count
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
        try? FileManager.default.removeItem(atPath: WorkspaceFiles.pauseSignal(workspace: row.workspace, jobID: id))
        try? FileManager.default.removeItem(atPath: WorkspaceFiles.cancelSignal(workspace: row.workspace, jobID: id))
        do {
            try CheckpointStore.write(checkpoint, to: path)
        } catch {
            throw RPCError(.workspaceInvalid, "checkpoint \(path) cannot be written: \(error)")
        }
        row.status = JobStatus.pending.rawValue
        row.error = nil
        row.finishedAt = nil
        try registry.save(row)
        queue.append(id)
        dispatch()
        let status: JobStatus = active[id] != nil ? .running : .pending
        appendLog(id, level: "INFO", message: "job resumed from its checkpoint")
        return JobActionResult(success: true, jobID: id, status: status, message: "job \(id) resumed from its checkpoint")
    }

    // MARK: Cancel

    func cancel(_ params: JobIDParams) async throws -> JobActionResult {
        let id = params.jobID
        let row = try row(id)
        if let runner = active[id]?.runner {
            appendLog(id, level: "WARNING", message: "cancel requested")
            await runner.requestStop(.cancel)
            active[id]?.frozen = false
            return JobActionResult(success: true, jobID: id, status: .running, message: "job \(id) is being cancelled")
        }
        switch row.jobStatus {
        case .pending, .paused:
            queue.removeAll { $0 == id }
            parsedScores[id] = nil
            try setStatus(id, .cancelled, pausedByUser: false)
            appendLog(id, level: "WARNING", message: "job cancelled")
            jobEnded(id)
            return JobActionResult(success: true, jobID: id, status: .cancelled, message: "job \(id) cancelled")
        default:
            throw RPCError(.invalidState, "job \(id) is \(row.status); only pending, running or paused jobs can be cancelled")
        }
    }

    /// Changes a job that has no live runner: registry row and checkpoint.
    func setStatus(_ id: String, _ status: JobStatus, pausedByUser: Bool, checkpointToo: Bool = true) throws {
        var row = try row(id)
        row.status = status.rawValue
        if status.isTerminal { row.finishedAt = Date().timeIntervalSince1970 }
        try registry.save(row)
        guard checkpointToo, let path = row.checkpointPath, var checkpoint = try? CheckpointStore.read(from: path) else { return }
        checkpoint.status = status
        checkpoint.pausedByUser = pausedByUser
        if status.isTerminal { checkpoint.finishedAt = Date() }
        try? CheckpointStore.write(checkpoint, to: path)
    }

    // MARK: Delete and clear

    func delete(_ params: JobIDParams) throws -> DeleteResult {
        let row = try row(params.jobID)
        guard row.jobStatus.isTerminal else {
            throw RPCError(.invalidState, "job \(params.jobID) is \(row.status); cancel it before deleting it")
        }
        return DeleteResult(deleted: try registry.delete(params.jobID))
    }

    func clear(_ params: ClearParams) throws -> ClearResult {
        var before: Double?
        if let text = params.olderThan {
            do { before = Date().timeIntervalSince1970 - (try DurationParser.parse(text)) } catch {
                throw RPCError(.invalidParams, "older_than: \(error)")
            }
        }
        if let statuses = params.status, let active = statuses.first(where: { !$0.isTerminal }) {
            throw RPCError(.invalidParams, "clear removes finished jobs only; \(active.rawValue) jobs are never cleared")
        }
        return ClearResult(removed: try registry.deleteTerminal(statuses: params.status, finishedBefore: before))
    }

    /// Removes terminal jobs older than the configured age.
    func cleanupOldJobs() {
        guard let age = settings.cleanupAgeSeconds else { return }
        if let removed = try? registry.deleteTerminal(statuses: nil, finishedBefore: Date().timeIntervalSince1970 - age), !removed.isEmpty {
            logger.info("old jobs removed", metadata: ["count": "\(removed.count)"])
        }
    }

    // MARK: Queries

    func summary(of row: JobRow) -> JobSummary {
        row.summary(queuePosition: queue.firstIndex(of: row.id).map { $0 + 1 })
    }

    func status(_ params: JobIDParams) async throws -> JobStatusResult {
        let row = try row(params.jobID)
        var sheets: [SheetSummary] = []
        var elapsed: Double?
        var limit: Double?
        var live: JobCheckpoint?
        if let runner = active[params.jobID]?.runner { live = await runner.snapshot() }
        if let checkpoint = live ?? row.checkpointPath.flatMap({ try? CheckpointStore.read(from: $0) }) {
            let plan = (try? ScoreLoader.load(
                yaml: checkpoint.configSnapshot,
                baseDirectory: checkpoint.configPath.map { ($0 as NSString).deletingLastPathComponent } ?? checkpoint.workspace,
                path: checkpoint.configPath, workspaceOverride: checkpoint.workspace
            ))?.sheets ?? []
            let dependencies = Dictionary(uniqueKeysWithValues: plan.map { ($0.number, $0.dependencies) })
            sheets = checkpoint.sheets.map { state in
                SheetSummary(
                    number: state.number, status: state.status, attempts: state.attempts, startedAt: state.startedAt,
                    finishedAt: state.finishedAt, exitCode: state.exitCode, signal: state.signal, error: state.error,
                    stderrTail: state.stderrTail, dependencies: dependencies[state.number] ?? []
                )
            }
            elapsed = checkpoint.elapsedSeconds
            limit = checkpoint.maxDurationSeconds
        }
        return JobStatusResult(job: summary(of: row), sheets: sheets, elapsedSeconds: elapsed, maxDurationSeconds: limit)
    }

    func list(_ params: ListParams) throws -> ListResult {
        let limit = min(max(params.limit ?? 100, 1), 1000)
        let recent = params.all == true || params.status != nil ? nil : Date().timeIntervalSince1970 - 86_400
        let rows = try registry.list(statuses: params.status, nameContains: params.name, finishedAfter: recent, limit: limit + 1, before: params.cursor)
        let page = rows.prefix(limit)
        return ListResult(jobs: page.map(summary(of:)), nextCursor: rows.count > limit ? page.last?.seq : nil)
    }

    func wait(_ params: WaitParams) async throws -> WaitResult {
        let id = params.jobID
        let settled: (JobStatus) -> Bool = { $0.isTerminal || $0 == .paused }
        var row = try row(id)
        if settled(row.jobStatus) { return WaitResult(job: summary(of: row), timedOut: false) }
        let deadline = params.timeout.map { ContinuousClock.now + .milliseconds(Int64(max(0, $0) * 1000)) }
        let timer = params.timeout.map { seconds in
            Task { [weak self] in
                try? await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1e9))
                if !Task.isCancelled { await self?.wakeWaiters(id) }
            }
        }
        defer { timer?.cancel() }
        while !settled(row.jobStatus) {
            if let deadline, ContinuousClock.now >= deadline {
                return WaitResult(job: summary(of: row), timedOut: true)
            }
            await withCheckedContinuation { continuation in
                waiters[id, default: []].append(continuation)
            }
            row = try self.row(id)
        }
        return WaitResult(job: summary(of: row), timedOut: false)
    }

    func health(_ params: JobIDParams) async throws -> ProcessHealth {
        let row = try row(params.jobID)
        guard let runner = active[params.jobID]?.runner, let pid = await runner.currentPID() else {
            return ProcessHealth(pid: nil, isAlive: false, isZombie: false, processExists: false)
        }
        _ = row
        return ProcFS.health(pid: pid)
    }
}
