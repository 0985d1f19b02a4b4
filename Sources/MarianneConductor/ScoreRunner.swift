import Foundation
import MarianneProtocol
import MarianneCore

/// Runs a score's sheets in dependency order, with retries, pause, cancel and duration limit.
/// It owns the job's checkpoint while it runs and writes it on every sheet state change.
actor ScoreRunner: JobRunner {
    private let jobID: String
    private let loaded: LoadedScore
    private let executor: SheetExecutor
    private let checkpointPath: String
    private let events: JobEventSink
    private var checkpoint: JobCheckpoint
    private var children: [Int: ChildProcess] = [:]
    private var stopRequest: StopRequest?
    private var pauseRequested = false
    private var frozen = false
    private let clock: RunClock
    private let checkpointEncoder = CheckpointEncoder()

    init(jobID: String, loaded: LoadedScore, checkpoint: JobCheckpoint, checkpointPath: String, killGrace: Double, events: JobEventSink) {
        self.jobID = jobID
        self.loaded = loaded
        self.checkpoint = checkpoint
        self.checkpointPath = checkpointPath
        self.events = events
        self.clock = RunClock(before: checkpoint.elapsedSeconds)
        self.executor = SheetExecutor(
            jobID: jobID, loaded: loaded, killGrace: killGrace, baseEnvironment: ProcessInfo.processInfo.environment
        )
    }

    private var pauseFile: String { WorkspaceFiles.pauseSignal(workspace: loaded.workspace, jobID: jobID) }
    private var plans: [Int: PlannedSheet] { Dictionary(uniqueKeysWithValues: loaded.sheets.map { ($0.number, $0) }) }

    private var elapsed: Double { clock.elapsed }

    // MARK: JobRunner

    func run() async -> RunOutcome {
        checkpoint.beginRun()
        persist()
        let watcher = Task { [weak self] in await self?.watchSignals() }
        defer { watcher.cancel() }

        var outcome = await runSheets()
        if let checkpointError { outcome = .failed(checkpointError) }
        checkpoint.endRun(outcome)
        persist()
        if outcome == .completed { await runHooks() }
        return outcome
    }

    func requestStop(_ request: StopRequest) async {
        guard stopRequest == nil else { return }
        stopRequest = request
        if frozen { freezeGroups(false) }
        for child in children.values {
            Task { await child.terminateGroup(grace: executor.killGrace) }
        }
    }

    func freeze(_ frozen: Bool) async {
        self.frozen = frozen
        freezeGroups(frozen)
    }

    func currentPID() async -> Int32? {
        children.values.first?.pid
    }

    func snapshot() async -> JobCheckpoint {
        var current = checkpoint
        current.elapsedSeconds = elapsed
        return current
    }

    func requestPause() {
        pauseRequested = true
    }

    private func freezeGroups(_ stop: Bool) {
        for child in children.values {
            child.signalGroup(stop ? SIGSTOP : SIGCONT)
        }
    }

    // MARK: Scheduling sheets

    private func runSheets() async -> RunOutcome {
        let plans = self.plans
        let maxParallel = max(1, loaded.score.parallel.maxConcurrent)
        let pauseBetween = loaded.score.pauseBetweenSheetsSeconds
        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            var finishedOne = false
            while true {
                if stopRequest == nil, !pauseRequested, FileManager.default.fileExists(atPath: pauseFile) {
                    pauseRequested = true
                }
                if stopRequest == nil, !pauseRequested {
                    skipDependentsOfFailures(plans)
                    if finishedOne, pauseBetween > 0, inFlight == 0 {
                        await pauseUnlessStopped(pauseBetween)
                        finishedOne = false
                        continue
                    }
                    for number in readySheets(plans).prefix(maxParallel - inFlight) {
                        guard let plan = plans[number] else { continue }
                        markRunning(number)
                        inFlight += 1
                        group.addTask { await self.runSheet(plan) }
                    }
                }
                if inFlight == 0 { break }
                await group.next()
                inFlight -= 1
                finishedOne = true
            }
        }
        switch stopRequest {
        case .cancel: return .cancelled
        case .durationLimit: return .stopped("Duration limit reached")
        case .shutdown: return .interrupted
        case nil: break
        }
        let states = checkpoint.sheets
        if let failed = states.first(where: { $0.status == .failed }) {
            return .failed("sheet \(failed.number) failed: \(failed.error ?? "unknown error")")
        }
        if states.allSatisfy({ $0.status == .completed || $0.status == .skipped }) { return .completed }
        return pauseRequested ? .paused : .failed("no sheet can run: dependencies are not met")
    }

    private func index(of number: Int) -> Int? {
        checkpoint.sheets.firstIndex { $0.number == number }
    }

    private func readySheets(_ plans: [Int: PlannedSheet]) -> [Int] {
        let done = Set(checkpoint.sheets.filter { $0.status == .completed }.map(\.number))
        return checkpoint.sheets.filter { state in
            state.status == .pending && (plans[state.number]?.dependencies ?? []).allSatisfy(done.contains)
        }.map(\.number)
    }

    /// A sheet that depends on a failed or skipped sheet is skipped.
    private func skipDependentsOfFailures(_ plans: [Int: PlannedSheet]) {
        var changed = true
        while changed {
            changed = false
            let blocked = Set(checkpoint.sheets.filter { $0.status == .failed || $0.status == .skipped }.map(\.number))
            guard !blocked.isEmpty else { return }
            for i in checkpoint.sheets.indices where checkpoint.sheets[i].status == .pending {
                let deps = plans[checkpoint.sheets[i].number]?.dependencies ?? []
                if let cause = deps.first(where: blocked.contains) {
                    checkpoint.sheets[i].status = .skipped
                    checkpoint.sheets[i].error = "skipped: sheet \(cause) did not complete"
                    changed = true
                }
            }
            if changed { persist() }
        }
    }

    private func markRunning(_ number: Int) {
        guard let i = index(of: number) else { return }
        checkpoint.sheets[i].status = .running
        checkpoint.sheets[i].error = nil
    }

    // MARK: One sheet

    private func runSheet(_ plan: PlannedSheet) async {
        let retry = loaded.score.retry
        var retriesUsed = 0
        var healing = false
        var failureContext: String?
        while true {
            guard stopRequest == nil, let i = index(of: plan.number) else {
                return sheetInterrupted(plan.number)
            }
            checkpoint.sheets[i].attempts += 1
            let attempt = checkpoint.sheets[i].attempts
            checkpoint.sheets[i].startedAt = Date()
            checkpoint.sheets[i].finishedAt = nil
            await events.sheetEvent(
                jobID: jobID, level: "INFO", message: "sheet \(plan.number) started (attempt \(attempt))",
                progress: SheetProgress(currentSheet: plan.number, completedSheets: completedCount, processGroups: runningGroups)
            )

            let events = self.events
            let jobID = self.jobID
            let result = await executor.run(
                sheet: plan, attempt: attempt, failureContext: failureContext,
                started: { child in await self.attach(child, to: plan.number) },
                output: { line, isError in
                    await events.log(jobID: jobID, level: isError ? "WARNING" : "INFO", message: "sheet \(plan.number): \(line)")
                }
            )
            children[plan.number] = nil
            guard stopRequest == nil else {
                await events.processGroups(jobID: jobID, groups: runningGroups)
                return sheetInterrupted(plan.number)
            }
            record(result, for: plan.number)

            if result.succeeded {
                setStatus(plan.number, .completed)
                await events.sheetEvent(
                    jobID: jobID, level: "INFO", message: "sheet \(plan.number) completed (attempt \(attempt), exit code 0)",
                    progress: SheetProgress(currentSheet: nil, completedSheets: completedCount, processGroups: runningGroups)
                )
                return
            }
            let reason = result.failure ?? "failed"
            await events.sheetEvent(
                jobID: jobID, level: "WARNING", message: "sheet \(plan.number) attempt \(attempt) failed: \(reason)",
                progress: SheetProgress(currentSheet: plan.number, completedSheets: completedCount, processGroups: runningGroups)
            )
            if result.rateLimited {
                let wait = loaded.score.backend.rateLimitWaitSeconds
                await events.log(jobID: jobID, level: "WARNING", message: "sheet \(plan.number) rate limited; trying again in \(DurationFormatter.human(wait))")
                checkpoint.sheets[i].status = .pending
                persist()
                await pauseUnlessStopped(wait)
                checkpoint.sheets[i].status = .running
                continue
            }
            if retriesUsed < retry.maxRetries {
                retriesUsed += 1
                let delay = retry.delay(beforeRetry: retriesUsed)
                persist()
                await pauseUnlessStopped(delay)
                continue
            }
            if checkpoint.selfHealing, !healing {
                healing = true
                failureContext = Self.failureContext(result)
                await events.log(jobID: jobID, level: "INFO", message: "sheet \(plan.number): retries used up; one self-healing attempt")
                continue
            }
            setStatus(plan.number, .failed, error: reason)
            await events.log(jobID: jobID, level: "ERROR", message: "sheet \(plan.number) failed after \(attempt) attempt(s): \(reason)")
            return
        }
    }

    /// Waits `seconds` (a retry backoff, a rate-limit wait), ending early when the job is
    /// being stopped, so a cancel never waits for a long backoff.
    private func pauseUnlessStopped(_ seconds: Double) async {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while stopRequest == nil, ContinuousClock.now < deadline {
            let left = deadline - ContinuousClock.now
            try? await Task.sleep(for: min(left, .milliseconds(50)))
        }
    }

    private var runningGroups: [Int32] {
        children.values.map(\.processGroup)
    }

    private var completedCount: Int {
        checkpoint.sheets.count(where: { $0.status == .completed })
    }

    private func attach(_ child: ChildProcess, to number: Int) async {
        children[number] = child
        await events.processGroups(jobID: jobID, groups: runningGroups)
        if let i = index(of: number) {
            // Kept in memory for now; the registry has it on disk for recovery.
            checkpoint.sheets[i].processGroup = child.processGroup
        }
        if stopRequest != nil {
            Task { await child.terminateGroup(grace: executor.killGrace) }
        } else if frozen {
            child.signalGroup(SIGSTOP)
        }
    }

    private func record(_ result: AttemptResult, for number: Int) {
        guard let i = index(of: number) else { return }
        checkpoint.sheets[i].exitCode = result.status?.exitCode
        checkpoint.sheets[i].signal = result.status?.signal
        checkpoint.sheets[i].validations = result.validations
        checkpoint.sheets[i].stdoutTail = result.stdoutTail.isEmpty ? nil : result.stdoutTail
        checkpoint.sheets[i].stderrTail = result.stderrTail.isEmpty ? nil : result.stderrTail
        checkpoint.sheets[i].error = result.failure
        checkpoint.sheets[i].processGroup = nil
    }

    private func setStatus(_ number: Int, _ status: SheetStatus, error: String? = nil) {
        guard let i = index(of: number) else { return }
        checkpoint.sheets[i].status = status
        checkpoint.sheets[i].finishedAt = Date()
        if let error { checkpoint.sheets[i].error = error }
        if status == .completed {
            checkpoint.lastCompletedSheet = max(checkpoint.lastCompletedSheet, number)
        }
        persist()
    }

    /// A sheet stopped by cancel, duration limit or shutdown goes back to `pending`: it runs
    /// again (from scratch) when the job is resumed.
    private func sheetInterrupted(_ number: Int) {
        children[number] = nil
        guard let i = index(of: number) else { return }
        checkpoint.sheets[i].status = .pending
        checkpoint.sheets[i].processGroup = nil
        checkpoint.sheets[i].error = stopRequest == .shutdown ? nil : "interrupted"
        persist()
    }

    static func failureContext(_ result: AttemptResult) -> String {
        var lines = ["failure: \(result.failure ?? "unknown")"]
        if let code = result.status?.exitCode { lines.append("exit code: \(code)") }
        let failed = result.validations.filter { !$0.passed }
        if !failed.isEmpty {
            lines.append("failed validations:")
            lines += failed.map { "- \($0.description)" + ($0.message.map { ": \($0)" } ?? "") }
        }
        if !result.stderrTail.isEmpty {
            lines.append("stderr tail:")
            lines.append(String(result.stderrTail.suffix(2000)))
        }
        return lines.joined(separator: "\n")
    }

    // MARK: Signals and limits

    /// Notices a cancel signal file (within 250 ms) and the duration limit.
    private func watchSignals() async {
        while !Task.isCancelled {
            try? await Task.sleep(nanoseconds: RunLimits.pollNanoseconds)
            guard stopRequest == nil, let (request, message) = RunLimits.check(checkpoint, elapsed: elapsed) else { continue }
            await events.log(jobID: jobID, level: "WARNING", message: message)
            await requestStop(request)
        }
    }

    // MARK: Persistence

    private func persist(durable: Bool = true) {
        checkpoint.updatedAt = Date()
        checkpoint.elapsedSeconds = elapsed
        do {
            try CheckpointStore.write(checkpoint, to: checkpointPath, durable: durable, encoder: checkpointEncoder)
        } catch {
            // A workspace that became unwritable must not go unnoticed: stop the job.
            if stopRequest == nil {
                stopRequest = .cancel
                checkpointError = "checkpoint could not be written: \(error)"
                for child in children.values {
                    Task { await child.terminateGroup(grace: executor.killGrace) }
                }
            }
        }
    }

    private var checkpointError: String?

    // MARK: Hooks

    private func runHooks() async {
        for hook in loaded.score.onSuccess {
            switch hook {
            case .runCommand(let command):
                let spec = ProcessSpec(
                    executable: "/bin/bash", arguments: ["-c", command],
                    environment: ProcessInfo.processInfo.environment.merging(["MZT_JOB_ID": jobID, "MZT_WORKSPACE": loaded.workspace]) { $1 },
                    workingDirectory: loaded.workspace, stdin: .null,
                    stdout: .file(WorkspaceFiles.logDirectory(workspace: loaded.workspace, jobID: jobID) + "/on-success.out"),
                    stderr: .file(WorkspaceFiles.logDirectory(workspace: loaded.workspace, jobID: jobID) + "/on-success.err")
                )
                do {
                    let child = try ChildProcess.spawn(spec)
                    let (status, _) = await SheetExecutor.wait(for: child, timeout: 600, killGrace: executor.killGrace)
                    await child.terminateGroup(grace: executor.killGrace)
                    await events.log(jobID: jobID, level: status.exitCode == 0 ? "INFO" : "WARNING", message: "on_success command finished: \(SheetExecutor.describe(status))")
                } catch {
                    await events.log(jobID: jobID, level: "ERROR", message: "on_success command could not start: \(error)")
                }
            case .runJob(let path):
                await events.submitFollowUp(jobID: jobID, path: path, relativeTo: loaded.path.map { ($0 as NSString).deletingLastPathComponent } ?? loaded.workspace)
            }
        }
    }
}
