import Foundation
import MarianneCore
import MarianneProtocol

/// Runs a score's sheets in dependency order, with retries, pause, cancel and the duration
/// limit. It owns the job's checkpoint while it runs: every sheet state change is written
/// (a completed sheet durably, before any sheet that depends on it starts).
actor ScoreRunner: JobRunner {
    let jobID: String
    let loaded: LoadedScore
    let attempt: any SheetAttempting
    let events: RunEvents
    let control: RunControl
    private let writer: CheckpointWriter
    let plans: [Int: PlannedSheet]
    var checkpoint: JobCheckpoint
    var index: [Int: Int]
    /// Sheets with a task: running, or waiting for a retry or a rate limit. Never dispatched twice.
    private var inFlight: Set<Int> = []
    /// Process groups of the attempts running now, by sheet.
    var groups: [Int: Int32] = [:]
    /// Slurm jobs of the attempts running now, by sheet.
    var slurmJobs: [Int: String] = [:]
    private let slurm: SlurmService
    private var work: Task<Void, Never>?
    /// Rate limits and model places shared with every job of the conductor.
    let board: InstrumentBoard
    var breakers: CircuitBreakers
    var ledger: CostLedger

    init(
        jobID: String, loaded: LoadedScore, checkpoint: JobCheckpoint, checkpointPath: String, killGrace: Double,
        environment: [String: String], events: RunEvents, attempt: (any SheetAttempting)? = nil,
        executors: ExecutorChoice = .local, board: InstrumentBoard = InstrumentBoard()
    ) {
        self.board = board
        self.breakers = CircuitBreakers(config: loaded.score.limits.circuitBreaker)
        self.ledger = CostLedger(config: loaded.score.limits.costLimits)
        self.jobID = jobID
        self.loaded = loaded
        self.checkpoint = checkpoint
        self.events = events
        let control = RunControl(checkpoint: checkpoint)
        self.control = control
        self.writer = CheckpointWriter(path: checkpointPath)
        self.plans = Dictionary(loaded.sheets.map { ($0.number, $0) }, uniquingKeysWith: { first, _ in first })
        self.index = Dictionary(checkpoint.sheets.enumerated().map { ($1.number, $0) }, uniquingKeysWith: { first, _ in first })
        var executors = executors
        executors.stopReason = { control.stopRequest }
        self.slurm = executors.service
        self.attempt = attempt ?? SheetAttempt(jobID: jobID, loaded: loaded, killGrace: killGrace, baseEnvironment: environment, executors: executors)
    }

    // MARK: JobRunner

    func run() async -> RunOutcome {
        // Not written on its own: the first sheet's start (or the end of the run) writes it,
        // and until then a restarted conductor finds the checkpoint as it was, which gives
        // the same run.
        checkpoint.beginRun()
        await isolate()
        control.onStop { [weak self] _ in Task { await self?.cancelWork() } }
        let (events, jobID) = (self.events, self.jobID)
        control.startWatching(log: { events.log(jobID, level: "WARNING", message: $0) })
        let work = Task { await self.runSheets() }
        self.work = work
        if control.stopRequest != nil { work.cancel() }
        await work.value
        control.stopWatching()

        var outcome = finalOutcome()
        if let failure = writer.failure { outcome = .failed(failure) }
        checkpoint.endRun(outcome)
        checkpoint.elapsedSeconds = control.elapsed
        checkpoint.updatedAt = Date()
        if let failure = await writer.write(checkpoint), outcome != .failed(failure) {
            outcome = .failed(failure)
        }
        await releaseWorktree(outcome)
        if outcome == .completed {
            await HookRunner(
                jobID: jobID, loaded: loaded, killGrace: attempt.killGrace, environment: attempt.baseEnvironment, events: events,
                chainDepth: checkpoint.chainDepth ?? 0
            ).run()
        }
        return outcome
    }

    func requestStop(_ request: StopRequest) async {
        control.requestStop(request)
    }

    func requestPause() async {
        control.requestPause()
    }

    func freeze(_ frozen: Bool) async {
        control.setFrozen(frozen)
        for group in groups.values { _ = killpg(group, frozen ? SIGSTOP : SIGCONT) }
        let (events, jobID) = (self.events, self.jobID)
        await SlurmSuspension.apply(frozen, to: slurmJobs, client: slurm.client) { events.log(jobID, level: "WARNING", message: $0) }
        checkpoint.status = frozen ? .paused : .running
        checkpoint.pausedByUser = frozen
        await persistNow()
    }

    func currentPID() async -> Int32? {
        groups.values.first
    }

    func snapshot() async -> JobCheckpoint {
        var current = checkpoint
        current.elapsedSeconds = control.elapsed
        return current
    }

    private func cancelWork() {
        if control.isFrozen {
            for group in groups.values { _ = killpg(group, SIGCONT) }
        }
        work?.cancel()
    }

    // MARK: Scheduling sheets

    private func runSheets() async {
        let parallel = loaded.score.parallel
        let maxParallel = max(1, parallel.maxConcurrent)
        let pauseBetween = loaded.score.pauseBetweenSheetsSeconds
        await withTaskGroup(of: Int.self) { group in
            // Attempts an earlier conductor left running on Slurm are followed again first.
            for (number, record) in checkpoint.takeReattachable() {
                guard let plan = plans[number] else { continue }
                inFlight.insert(number)
                group.addTask { await self.runSheet(plan, reattach: record) }
            }
            var finishedOne = false
            while true {
                if control.stopRequest == nil, !control.pauseRequested, control.pauseFileExists() {
                    control.requestPause()
                }
                var tally = SheetTally(checkpoint.sheets, index: index)
                if control.stopRequest == nil, tally.anyBlocking {
                    skipDependentsOfFailures()
                    tally = SheetTally(checkpoint.sheets, index: index)
                }
                // fail_fast: once a sheet has failed, no new sheet starts.
                let failedFast = parallel.failFast && tally.anyFailed
                if control.stopRequest == nil, !control.pauseRequested, !control.isFrozen, !failedFast {
                    if finishedOne, pauseBetween > 0, inFlight.isEmpty {
                        try? await Task.sleep(for: .clampedSeconds(pauseBetween))
                        finishedOne = false
                        continue
                    }
                    for (launched, number) in readySheets(tally, limit: maxParallel - inFlight.count).enumerated() {
                        guard let plan = plans[number] else { continue }
                        // Sheets starting together are spread out (Marianne's stagger_delay_ms).
                        if launched > 0, parallel.staggerDelayMilliseconds > 0 {
                            try? await Task.sleep(for: .milliseconds(parallel.staggerDelayMilliseconds))
                        }
                        inFlight.insert(number)
                        group.addTask { await self.runSheet(plan) }
                    }
                }
                if inFlight.isEmpty { break }
                guard let finished = await group.next() else { break }
                inFlight.remove(finished)
                finishedOne = true
            }
        }
    }

    private func finalOutcome() -> RunOutcome {
        if let stop = control.stopRequest { return stop.outcome }
        if let failed = checkpoint.sheets.first(where: { $0.status == .failed }) {
            return .failed("sheet \(failed.number) failed: \(failed.error ?? "unknown error")")
        }
        if checkpoint.sheets.allSatisfy({ $0.status == .completed || $0.status == .skipped }) { return .completed }
        return control.pauseRequested ? .paused : .failed("no sheet can run: dependencies are not met")
    }

    /// Pending sheets whose dependencies are all done, in order, at most `limit` of them.
    private func readySheets(_ tally: SheetTally, limit: Int) -> [Int] {
        guard limit > 0 else { return [] }
        let sheets = checkpoint.sheets
        var ready: [Int] = []
        for i in sheets.indices where sheets[i].status == .pending {
            let number = sheets[i].number
            guard !inFlight.contains(number), tally.allDone(plans[number]?.dependencies ?? []) else { continue }
            ready.append(number)
            if ready.count == limit { break }
        }
        return ready
    }

    /// A sheet that depends on a failed or skipped sheet is skipped.
    private func skipDependentsOfFailures() {
        var changed = true
        var any = false
        while changed {
            changed = false
            let blocked = Set(checkpoint.sheets.lazy.filter { $0.status == .failed || ($0.status == .skipped && $0.skippedByRule != true) }.map(\.number))
            guard !blocked.isEmpty else { break }
            for i in checkpoint.sheets.indices where checkpoint.sheets[i].status == .pending && !inFlight.contains(checkpoint.sheets[i].number) {
                let deps = plans[checkpoint.sheets[i].number]?.dependencies ?? []
                if let cause = deps.first(where: blocked.contains) {
                    checkpoint.sheets[i].status = .skipped
                    checkpoint.sheets[i].error = "skipped: sheet \(cause) did not complete"
                    changed = true
                    any = true
                }
            }
        }
        if any { persist(durable: true) }
    }

    func outputLines(_ number: Int, level: String) -> OutputLines {
        let (events, jobID) = (self.events, self.jobID)
        return OutputLines(overflow: .drop, capacity: 512) { event in
            switch event {
            case .line(let line):
                events.log(jobID, level: level, message: "sheet \(number): \(line)")
            case .dropped(let count):
                events.log(jobID, level: "WARNING", message: "sheet \(number): \(count) output lines not logged (too fast); the attempt's output file has them all")
            }
        }
    }

    func progress(current: Int?) -> SheetProgress {
        let sheets = checkpoint.sheets
        return SheetProgress(currentSheet: current, completedSheets: sheets.indices.count { sheets[$0].status == .completed })
    }

    /// Submissions of a sheet whose Slurm job vanished, before the attempt counts as failed.
    static let maxResubmissions = 3

    func attach(_ handle: AttemptHandle, to number: Int) async {
        switch handle {
        case .process(let process):
            let group = process.processGroup
            groups[number] = group
            // Kept in memory only: a restarted conductor finds a job's processes by the
            // markers in their environment, so the checkpoint is not rewritten here.
            if control.isFrozen { _ = killpg(group, SIGSTOP) }
        case .slurm(let record, let durable):
            slurmJobs[number] = record.jobID
            guard let i = index[number] else { return }
            checkpoint.sheets[i].slurm = record
            // The job must be on disk before the attempt goes on: a restarted conductor re-attaches to it.
            if durable { await persistNow() } else { persist(durable: false) }
            if durable, control.isFrozen, let id = record.jobID {
                let (events, jobID) = (self.events, self.jobID)
                await SlurmSuspension.apply(true, to: [number: id], client: slurm.client) { events.log(jobID, level: "WARNING", message: $0) }
            }
        }
    }

    func finish(_ i: Int, _ status: SheetStatus, error: String? = nil) {
        checkpoint.sheets[i].status = status
        checkpoint.sheets[i].finishedAt = Date()
        if let error { checkpoint.sheets[i].error = error }
        if status == .completed {
            checkpoint.lastCompletedSheet = max(checkpoint.lastCompletedSheet, checkpoint.sheets[i].number)
        }
    }

    /// A sheet stopped by cancel, duration limit or shutdown goes back to `pending`: it runs
    /// again (from scratch) when the job is resumed.
    func sheetInterrupted(_ number: Int) {
        groups[number] = nil
        guard let i = index[number] else { return }
        if control.stopRequest == .shutdown, checkpoint.sheets[i].slurm?.isLive == true {
            // Its Slurm job runs on; the next conductor re-attaches to it.
            checkpoint.sheets[i].processGroup = nil
            persist(durable: false)
            return
        }
        checkpoint.sheets[i].status = .pending
        checkpoint.sheets[i].processGroup = nil
        checkpoint.sheets[i].error = control.stopRequest == .shutdown ? nil : "interrupted"
        persist(durable: false)
    }

    /// True when no sheet but `number` is waiting or running: the run ends once it has.
    /// Scanned from the end, where the sheets still to run are, by index: an element is read
    /// in place, never copied (a copy of each sheet made this quadratic in a long score).
    func isLastOpenSheet(_ number: Int) -> Bool {
        guard inFlight.allSatisfy({ $0 == number }) else { return false }
        for index in checkpoint.sheets.indices.reversed() where checkpoint.sheets[index].number != number {
            let status = checkpoint.sheets[index].status
            if status == .pending || status == .running { return false }
        }
        return true
    }

    /// Writes durably and waits: what is written is on disk before anything that depends on it.
    func persistNow() async {
        checkpoint.updatedAt = Date()
        checkpoint.elapsedSeconds = control.elapsed
        if let failure = await writer.write(checkpoint), control.stopRequest == nil {
            control.requestStop(.checkpointFailed(failure))
        }
    }

    func persist(durable: Bool) {
        checkpoint.updatedAt = Date()
        checkpoint.elapsedSeconds = control.elapsed
        writer.enqueue(checkpoint, durable: durable)
        if let failure = writer.failure, control.stopRequest == nil {
            control.requestStop(.checkpointFailed(failure))
        }
    }
}
