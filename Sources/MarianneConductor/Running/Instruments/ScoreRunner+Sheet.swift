import Foundation
import MarianneCore
import MarianneProtocol

/// One sheet of a score run: its skip rules, then attempts until it completes, fails or is
/// interrupted. Before each attempt the sheet waits while its instrument is rate limited (by
/// any job) or its circuit is open, and for a place on its model; after each, the usage is
/// recorded, the cost limits checked, and `SheetPolicy` decides what comes next.
extension ScoreRunner {
    /// Runs a sheet to its end (completed, failed, skipped or interrupted); returns its number.
    /// `reattach`: the sheet's attempt is a Slurm job an earlier conductor submitted; it is
    /// followed to its end and its result used, not run again.
    func runSheet(_ plan: PlannedSheet, reattach: SlurmAttemptRecord? = nil) async -> Int {
        let number = plan.number
        var reattach = reattach
        var resubmissions = 0
        if reattach == nil, let reason = await SkipCheck(jobID: jobID, loaded: loaded, attempt: attempt, events: events).reason(plan, states: checkpoint.sheets, job: checkpoint),
           control.stopRequest == nil, let i = index[number] {
            checkpoint.sheets[i].skippedByRule = true
            checkpoint.sheets[i].error = reason
            finish(i, .skipped)
            await persistNow()
            events.sheetEvent(jobID, level: "INFO", message: "sheet \(number) skipped: \(reason)", progress: progress(current: nil))
            return number
        }
        guard let first = index[number] else { return number }
        var policy = SheetPolicy(score: loaded.score, catalog: loaded.instruments, sheet: plan, selfHealing: checkpoint.selfHealing, state: checkpoint.sheets[first])
        while true {
            let instrument = policy.instrument
            let profile = loaded.instruments.profile(instrument.name)
            guard control.stopRequest == nil, let i = index[number] else {
                sheetInterrupted(number)
                return number
            }
            if reattach == nil, !(await waitUntilPlayable(instrument.name, profile: profile, sheet: i)) {
                sheetInterrupted(number)
                return number
            }
            let slot = reattach == nil ? modelSlot(profile, instrument) : nil
            if let slot, !(await board.acquire(instrument: slot.instrument, model: slot.model, limit: slot.limit)) {
                sheetInterrupted(number)
                return number
            }
            guard control.stopRequest == nil else {
                if let slot { await board.release(instrument: slot.instrument, model: slot.model) }
                sheetInterrupted(number)
                return number
            }
            checkpoint.sheets[i].status = .running
            checkpoint.sheets[i].error = nil
            if let record = reattach {
                events.sheetEvent(
                    jobID, level: "INFO", message: "sheet \(number) re-attached to Slurm job \(record.jobID ?? record.name) (attempt \(checkpoint.sheets[i].attempts))",
                    progress: progress(current: number)
                )
            } else {
                checkpoint.sheets[i].attempts += 1
                checkpoint.sheets[i].startedAt = Date()
                checkpoint.sheets[i].finishedAt = nil
                checkpoint.sheets[i].instrument = instrument.name
                events.sheetEvent(jobID, level: "INFO", message: "sheet \(number) started (attempt \(checkpoint.sheets[i].attempts))", progress: progress(current: number))
            }
            let attemptNumber = max(1, checkpoint.sheets[i].attempts)
            var request = AttemptRequest(
                sheet: plan, attempt: attemptNumber, failureContext: policy.failureContext, earlier: loaded.score.crossSheet == nil ? [] : checkpoint.sheets, instrument: instrument,
                prompt: policy.prompt(attempt: attemptNumber), worktree: checkpoint.worktree?.path
            )
            request.reattach = reattach
            let result = await attempt.run(
                request, started: { handle in await self.attach(handle, to: number) },
                output: loaded.score.backend.streamOutput ? (outputLines(number, level: "INFO"), outputLines(number, level: "WARNING")) : nil
            )
            reattach = nil
            if let slot { await board.release(instrument: slot.instrument, model: slot.model) }
            groups[number] = nil
            slurmJobs[number] = nil
            guard control.stopRequest == nil else {
                sheetInterrupted(number)
                return number
            }
            if result.slurmJobLost, resubmissions < Self.maxResubmissions {
                resubmissions += 1
                events.log(jobID, level: "WARNING", message: "sheet \(number): \(result.failure ?? "its Slurm job is gone"); submitting it again (no retry is spent)")
                continue
            }
            record(result, for: i, completion: request.prompt.completion != nil)
            trackCircuit(result, instrument: instrument.name, profile: profile)
            if await stopForCost(result, sheet: i) { return number }
            if result.succeeded {
                finish(i, .completed)
                // The last sheet of a run has no dependents: the end of the run follows at
                // once and its durable write holds this sheet's end too, so it is not written
                // on its own (a conductor killed in between runs the sheet again, as it would
                // a moment earlier).
                if !isLastOpenSheet(number) { await persistNow() }
                events.sheetEvent(jobID, level: "INFO", message: "sheet \(number) completed (attempt \(attemptNumber), exit code 0)", progress: progress(current: nil))
                return number
            }
            let reason = result.failure ?? "failed"
            events.sheetEvent(jobID, level: "WARNING", message: "sheet \(number) attempt \(attemptNumber) failed: \(reason)", progress: progress(current: number))
            let decision = policy.decide(result, attempt: attemptNumber, rawPrompt: profile?.rawPrompt ?? false)
            checkpoint.sheets[i].rateLimitWaits = policy.rateLimitWaits
            switch decision {
            case .rateLimited(let wait):
                await board.limit(instrument.name, seconds: wait, jobID: jobID, sheet: number, reason: reason)
                events.log(jobID, level: "WARNING", message: "sheet \(number): \(instrument.name) is rate limited; every sheet on it waits \(DurationFormatter.human(wait)) (wait \(policy.rateLimitWaits) of \(policy.rateLimit.maxWaits); mzt clear-rate-limits \(instrument.name) ends it)")
                checkpoint.sheets[i].status = .pending
                persist(durable: false)
            case .retry(let delay, let note):
                if let note { events.log(jobID, level: "INFO", message: "sheet \(number): \(note)") }
                persist(durable: false)
                if delay > 0 { try? await Task.sleep(for: .clampedSeconds(delay)) }
            case .fail(let reason):
                finish(i, .failed, error: reason)
                await persistNow()
                events.log(jobID, level: "ERROR", message: "sheet \(number) failed after \(attemptNumber) attempt(s): \(reason)")
                return number
            }
        }
    }

    /// Waits while `instrument` is rate limited (by this job or another) or its circuit is
    /// open; false when the job is stopped meanwhile.
    private func waitUntilPlayable(_ instrument: String, profile: InstrumentProfile?, sheet i: Int) async -> Bool {
        while control.stopRequest == nil, !Task.isCancelled {
            if let limit = await board.limitedUntil(instrument) {
                let note = "waiting: \(instrument) is rate limited until \(Self.clock(limit.until)) (sheet \(limit.sheet) of \(limit.jobID) hit it)"
                if checkpoint.sheets[i].error != note {
                    checkpoint.sheets[i].status = .pending
                    checkpoint.sheets[i].error = note
                    persist(durable: false)
                    events.log(jobID, level: "INFO", message: "sheet \(checkpoint.sheets[i].number) \(note)")
                }
                await board.waitWhileLimited(instrument)
                continue
            }
            if breakers.applies(to: profile), let wait = breakers.wait(instrument) {
                checkpoint.sheets[i].status = .pending
                checkpoint.sheets[i].error = "waiting: the circuit breaker of \(instrument) is open for \(DurationFormatter.human(wait))"
                persist(durable: false)
                try? await Task.sleep(for: .clampedSeconds(wait + 0.01))
                continue
            }
            return true
        }
        return false
    }

    /// The model place an attempt needs: its model's `max_concurrent`, when the profile lists the model.
    private func modelSlot(_ profile: InstrumentProfile?, _ instrument: ResolvedInstrument) -> (instrument: String, model: String, limit: Int)? {
        guard let profile, let model = InstrumentResolver.settings(loaded.score, instrument: instrument).effectiveModel(profile),
              let capacity = profile.model(model) else { return nil }
        return (profile.name, model, capacity.maxConcurrent)
    }

    private func trackCircuit(_ result: AttemptResult, instrument: String, profile: InstrumentProfile?) {
        guard breakers.applies(to: profile), result.kind != .rateLimit else { return }
        let failed = !result.succeeded && !result.answered
        if breakers.record(instrument, failed: failed) {
            events.log(jobID, level: "WARNING", message: "\(instrument) failed \(breakers.config.failureThreshold) times in a row: its circuit opens for \(DurationFormatter.human(breakers.config.recoveryTimeoutSeconds))")
        }
    }

    /// Checks the cost limits after an attempt; true when the sheet ended because of them.
    private func stopForCost(_ result: AttemptResult, sheet i: Int) async -> Bool {
        let verdicts = ledger.check(sheet: checkpoint.sheets[i].number, sheetCost: checkpoint.sheets[i].usage?.costUSD ?? 0, jobCost: checkpoint.usage?.costUSD ?? 0)
        for verdict in verdicts {
            switch verdict {
            case .ok: break
            case .warn(let message): events.log(jobID, level: "WARNING", message: message)
            case .sheetOver(let reason):
                if result.succeeded { continue }
                finish(i, .failed, error: reason)
                await persistNow()
                events.log(jobID, level: "ERROR", message: "sheet \(checkpoint.sheets[i].number) failed: \(reason)")
                return true
            case .jobOver(let reason):
                finish(i, result.succeeded ? .completed : .failed, error: result.succeeded ? nil : reason)
                await persistNow()
                events.log(jobID, level: "ERROR", message: reason)
                control.requestStop(.costLimit(reason))
                return true
            }
        }
        return false
    }

    /// What an attempt leaves in the sheet's state: exit, validations, output, instrument,
    /// tokens and cost (added to the sheet's and the job's), one entry in its attempt log.
    func record(_ result: AttemptResult, for i: Int, completion: Bool) {
        checkpoint.sheets[i].exitCode = result.status?.exitCode
        checkpoint.sheets[i].signal = result.status?.signal
        checkpoint.sheets[i].validations = result.validations
        checkpoint.sheets[i].stdoutTail = result.stdoutTail.isEmpty ? nil : result.stdoutTail
        checkpoint.sheets[i].stderrTail = result.stderrTail.isEmpty ? nil : result.stderrTail
        checkpoint.sheets[i].error = result.failure
        checkpoint.sheets[i].processGroup = nil
        if let instrument = result.instrument { checkpoint.sheets[i].instrument = instrument }
        checkpoint.sheets[i].model = result.model
        let usage = result.usage ?? .zero
        if result.usage != nil {
            checkpoint.sheets[i].usage = (checkpoint.sheets[i].usage ?? .zero) + usage
            checkpoint.usage = (checkpoint.usage ?? .zero) + usage
        }
        if completion { checkpoint.sheets[i].completionAttempts = (checkpoint.sheets[i].completionAttempts ?? 0) + 1 }
        let outcome = result.succeeded ? "completed" : result.spawnFailure == .notFound ? "not_found"
            : result.kind?.rawValue ?? (result.answered ? "validation" : "failed")
        var log = checkpoint.sheets[i].attemptLog ?? []
        log.append(AttemptRecord(
            attempt: checkpoint.sheets[i].attempts, instrument: result.instrument ?? checkpoint.sheets[i].instrument ?? "", model: result.model,
            usage: usage, outcome: outcome, exitCode: result.status?.exitCode, durationSeconds: result.duration, completion: completion ? true : nil
        ))
        if log.count > SheetState.maxAttemptLog { log.removeFirst(log.count - SheetState.maxAttemptLog) }
        checkpoint.sheets[i].attemptLog = log
    }

    static func clock(_ date: Date) -> String {
        var time = time_t(date.timeIntervalSince1970)
        var parts = tm()
        localtime_r(&time, &parts)
        return String(format: "%02d:%02d:%02d", parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}
