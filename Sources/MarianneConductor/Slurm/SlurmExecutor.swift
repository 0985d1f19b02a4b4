import Foundation
import MarianneCore
import MarianneProtocol

/// Runs an attempt as a Slurm batch job: writes the batch script to the workspace, records
/// the job's name and comment in the checkpoint, submits it with `sbatch --parsable`,
/// records the job id, and follows it through the shared poller until it ends; the exit
/// status and the output files (a shared filesystem) are then the attempt's, as for a local
/// attempt. Cancelling the task cancels the job (`scancel --signal=TERM --full`, then
/// `scancel` after the grace; plain `scancel` while it waits), except at a conductor
/// shutdown: the job runs on and the next conductor re-attaches to it.
struct SlurmExecutor: SheetExecutor {
    let options: SlurmOptions
    let service: SlurmService
    /// The conductor's home: part of every comment.
    let home: String
    /// Why the run is being stopped, when it is.
    let stopReason: @Sendable () -> StopRequest?
    /// Seconds a job gets to reach a final state after `scancel`.
    var settleTimeout = 30.0

    func execute(_ request: ExecutionRequest, handle: @escaping @Sendable (AttemptHandle) async -> Void) async throws(SpawnError) -> ExecutionResult {
        var record: SlurmAttemptRecord
        if let earlier = request.reattach {
            guard let found = await locate(earlier) else {
                return ExecutionResult(status: .exited(-1), failure: "Slurm job \(earlier.jobID ?? earlier.name) is gone", lost: true)
            }
            record = found
            if record != earlier { await handle(.slurm(record, durable: true)) }
        } else {
            guard let spec = request.command else { throw SpawnError(.system, "nothing to submit") }
            record = try await submit(spec, request, handle: handle)
        }
        return await follow(record, request, handle: handle)
    }

    // MARK: Submission

    private func submit(_ spec: ProcessSpec, _ request: ExecutionRequest, handle: @escaping @Sendable (AttemptHandle) async -> Void) async throws(SpawnError) -> SlurmAttemptRecord {
        // Without sbatch, or without a configuration (sbatch would retry for a minute), say so now.
        if (try? ExecutableLookup.resolve(SlurmTool.sbatch.rawValue, path: spec.environment["PATH"])) == nil {
            throw SpawnError(.notFound, SlurmCommandLine.missing(.sbatch))
        }
        if SlurmHealth.configuration(environment: spec.environment) == nil {
            throw SpawnError(.system, "there is no Slurm configuration for sbatch: set SLURM_CONF in the conductor's environment, or create /etc/slurm/slurm.conf")
        }
        let identity = SlurmIdentity(home: home, jobID: request.jobID, sheet: request.sheet, attempt: request.attempt)
        let root = request.workspace
        let input: [UInt8]?
        if case .bytes(let bytes) = spec.stdin { input = bytes } else { input = nil }
        let stdinPath = input == nil ? nil : SlurmBatchScript.path(workspace: root, jobID: request.jobID, sheet: request.sheet, attempt: request.attempt, suffix: "in")
        let text = SlurmBatchScript.text(
            executable: spec.executable, arguments: spec.arguments, stdin: stdinPath, jobID: request.jobID, sheet: request.sheet,
            attempt: request.attempt, comment: identity.comment
        )
        let (stdout, stderr) = (request.stdoutPath, request.stderrPath)
        let written: Result<String, Error> = await OffPool.run {
            Result {
                let files = try SlurmBatchScript.write(text, stdin: input, workspace: root, jobID: request.jobID, sheet: request.sheet, attempt: request.attempt)
                // Empty output files from the start: `mzt logs -f` and the tails read them while the job waits.
                for path in [stdout, stderr] { close(try SafeFile.create(path)) }
                return files.script
            }
        }
        let script: String
        switch written {
        case .success(let path): script = path
        case .failure(let error): throw SpawnError(.system, "the batch script cannot be written: \(error)")
        }
        var record = SlurmAttemptRecord(name: identity.name, comment: identity.comment, submittedAt: Date(), state: "SUBMITTING")
        await handle(.slurm(record, durable: true))
        // Stopped while the record was written (or it could not be): nothing is submitted.
        if Task.isCancelled { throw SpawnError(.system, "interrupted before the Slurm job was submitted") }
        let arguments = SbatchArguments.make(
            options: options, identity: identity,
            files: .init(workingDirectory: spec.workingDirectory, stdout: stdout, stderr: stderr, script: script),
            timeout: request.timeout, grace: request.grace
        )
        let environment = SbatchArguments.environment(spec.environment)
        // sbatch runs to its end even if the attempt is cancelled meanwhile; a job it
        // submitted is then cancelled by `follow`, never left behind.
        let client = service.client
        let submitted = await Task { () -> Result<String, SlurmError> in
            do throws(SlurmError) { return .success(try await client.submit(arguments, environment: environment)) } catch { return .failure(error) }
        }.value
        switch submitted {
        case .success(let id):
            record.jobID = id
            record.state = "PENDING"
            await handle(.slurm(record, durable: true))
            return record
        case .failure(let error):
            record.state = "NOT SUBMITTED"
            await handle(.slurm(record, durable: false))
            let missing = error.description.contains("is not on the conductor's PATH")
            throw SpawnError(missing ? .notFound : .system, error.description)
        }
    }

    /// The job of a recorded attempt, if Slurm still knows it as this attempt's: by id and
    /// comment, or, when the conductor went away before sbatch answered, by name.
    private func locate(_ record: SlurmAttemptRecord) async -> SlurmAttemptRecord? {
        var found = record
        if let id = record.jobID {
            if let status = await service.client.queue([id])?.first(where: { $0.comment == record.comment }) {
                found.state = status.state.description
                return found
            }
            // Ended and forgotten by squeue: its completion record tells how it ended.
            if await service.client.accounting([id]).contains(where: { $0.jobID == id && $0.name == record.name }) { return found }
            return nil
        }
        guard let status = await service.client.queue(named: record.name)?.first(where: { $0.comment == record.comment }) else { return nil }
        found.jobID = status.jobID
        found.state = status.state.description
        return found
    }

    // MARK: Following

    private func follow(_ start: SlurmAttemptRecord, _ request: ExecutionRequest, handle: @escaping @Sendable (AttemptHandle) async -> Void) async -> ExecutionResult {
        guard let id = start.jobID else { return ExecutionResult(status: .exited(-1), failure: "no Slurm job id", lost: true) }
        var record = start
        let monitor = service.monitor
        await monitor.follow(id, name: record.name, comment: record.comment)
        let followers = request.output.map { output in
            [OutputFollower(path: request.stdoutPath, lines: output.stdout, fromEnd: request.reattach != nil),
             OutputFollower(path: request.stderrPath, lines: output.stderr, fromEnd: request.reattach != nil)]
        } ?? []
        for follower in followers { follower.start() }
        var version = -1
        /// When the job started running (Slurm's StartTime, so a re-attached job keeps its clock).
        var runningSince: Date?
        var outcome: (result: ExecutionResult, state: String?)?
        while outcome == nil {
            if Task.isCancelled {
                if stopReason() == .shutdown {
                    // The job runs on; the next conductor re-attaches to it.
                    outcome = (ExecutionResult(status: .signaled(SIGTERM), cancelled: true), nil)
                } else {
                    let final = await terminate(id, comment: record.comment, grace: request.grace)
                    // Slurm may call it FAILED (the batch shell died of the TERM); for the sheet it was cancelled.
                    outcome = (ExecutionResult(status: final?.exit ?? .signaled(SIGTERM), cancelled: true), "CANCELLED")
                }
                break
            }
            if let observation = await monitor.observation(id), observation.version != version {
                version = observation.version
                if observation.gone {
                    outcome = (ExecutionResult(status: .exited(-1), failure: "Slurm no longer knows job \(id) (did its controller lose it?)", lost: true), "GONE")
                    break
                }
                if let status = observation.status {
                    if status.state.description != record.state || status.reason != record.reason {
                        record.state = status.state.description
                        record.reason = status.state.isWaiting ? status.reason : nil
                        await handle(.slurm(record, durable: false))
                    }
                    if runningSince == nil, status.state == .running || status.state == .completing || status.state == .suspended {
                        runningSince = status.startedAt ?? Date()
                    }
                    if status.state.isFinal {
                        outcome = (Self.result(of: status), status.state.description)
                        break
                    }
                }
            }
            var wait = Duration.milliseconds(500)
            if let timeout = request.timeout, let since = runningSince {
                let remaining = since.addingTimeInterval(timeout).timeIntervalSinceNow
                if remaining <= 0 {
                    let final = await terminate(id, comment: record.comment, grace: request.grace)
                    outcome = (ExecutionResult(status: final?.exit ?? .signaled(SIGTERM), timedOut: true), final?.state.description)
                    break
                }
                wait = min(wait, .milliseconds(Int(remaining * 1000) + 1))
            }
            await monitor.waitForChange(id, after: version, timeout: wait)
        }
        for follower in followers { await follower.stop() }
        await monitor.forget(id)
        if let state = outcome?.state, state != record.state {
            record.state = state
            record.reason = nil
            await handle(.slurm(record, durable: false))
        }
        return outcome?.result ?? ExecutionResult(status: .exited(-1), failure: "the Slurm job could not be followed")
    }

    /// The attempt's result from the job's final state.
    static func result(of status: SlurmJobStatus) -> ExecutionResult {
        let id = status.jobID
        let exit = status.exit ?? .exited(status.state == .completed ? 0 : 1)
        switch status.state {
        case .completed:
            return ExecutionResult(status: exit)
        case .failed:
            if exit.succeeded { return ExecutionResult(status: .exited(1), failure: "Slurm job \(id) failed (\(status.reason ?? "no reason given"))") }
            return ExecutionResult(status: exit)
        case .timeout:
            return ExecutionResult(status: exit, timedOut: true, failure: "Slurm job \(id) reached its time limit (TIMEOUT); raise executor.time or the sheet's timeout")
        case .cancelled:
            return ExecutionResult(status: .signaled(SIGTERM), failure: "Slurm job \(id) was cancelled outside the conductor (CANCELLED)")
        case .outOfMemory:
            return ExecutionResult(status: exit, failure: "Slurm job \(id) ran out of memory (OUT_OF_MEMORY); raise executor.mem")
        case .nodeFail:
            return ExecutionResult(status: exit, failure: "the node of Slurm job \(id) failed (NODE_FAIL)")
        default:
            return ExecutionResult(status: exit, failure: "Slurm job \(id) ended \(status.state)")
        }
    }

    // MARK: Stopping

    /// Cancels the job and waits (bounded) until Slurm reports it ended; runs in a task of
    /// its own, so a cancelled caller does not stop the scancel calls themselves.
    private func terminate(_ id: String, comment: String, grace: Double) async -> SlurmJobStatus? {
        let (client, monitor, settle) = (service.client, service.monitor, settleTimeout)
        return await Task { () -> SlurmJobStatus? in
            // The state now, not as last polled: a signal to a pending or suspended job blocks.
            let now = await client.queue([id])?.first { $0.comment == comment }
            if let now, now.state.isFinal { return now }
            let waits = now.map { $0.state.isWaiting || $0.state == .suspended } ?? true
            func ended(within seconds: Double) async -> SlurmJobStatus? {
                let deadline = ContinuousClock.now + .seconds(seconds)
                await monitor.nudge()
                while ContinuousClock.now < deadline {
                    guard let observation = await monitor.observation(id) else { return nil }
                    if let status = observation.status, status.state.isFinal { return status }
                    if observation.gone { return nil }
                    await monitor.waitForChange(id, after: observation.version, timeout: min(.milliseconds(250), deadline - ContinuousClock.now))
                }
                return nil
            }
            if waits {
                await client.cancel(id)
            } else {
                await client.cancel(id, signal: "TERM")
                if let final = await ended(within: grace) { return final }
                await client.cancel(id)
            }
            return await ended(within: settle)
        }.value
    }
}
