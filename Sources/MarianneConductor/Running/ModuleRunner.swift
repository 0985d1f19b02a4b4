import Foundation
import MarianneCore
import MarianneProtocol

/// Runs one module job: gives the module a `JobContext`, turns what it reports into log
/// entries, results and checkpoints, and turns cancel, pause and the duration limit into
/// `context.isCancelled` plus task cancellation (which stops an executable module's
/// process group). A module checkpoint is on disk before `saveCheckpoint` returns.
actor ModuleRunner: JobRunner, ModuleEventSink {
    private let jobID: String
    private let module: JobModule
    private let request: ModuleRunRequest
    private let events: RunEvents
    private let control: RunControl
    private let writer: CheckpointWriter
    private var checkpoint: JobCheckpoint
    private var group: Int32?
    private var context: JobContext?
    private var work: Task<Result<Void, Error>, Never>?

    init(jobID: String, module: JobModule, request: ModuleRunRequest, checkpoint: JobCheckpoint, checkpointPath: String, events: RunEvents) {
        self.jobID = jobID
        self.module = module
        self.request = request
        self.checkpoint = checkpoint
        self.events = events
        self.control = RunControl(checkpoint: checkpoint)
        self.writer = CheckpointWriter(path: checkpointPath)
    }

    func run() async -> RunOutcome {
        checkpoint.beginRun()
        writer.enqueue(checkpoint, durable: false)
        let context = JobContext(jobID: jobID, sink: self)
        self.context = context
        let (module, request, saved) = (self.module, self.request, checkpoint.moduleCheckpoint)
        let work = Task {
            do {
                try await module.run(context, inputs: request.inputs, settings: request.settings, checkpoint: saved)
                return Result<Void, Error>.success(())
            } catch {
                return .failure(error)
            }
        }
        self.work = work
        // Modules have no sheet boundaries: a pause stops the module now, and a resume starts
        // it again from its last saved checkpoint.
        let stop: @Sendable () -> Void = { [weak self] in Task { await self?.stopWork() } }
        control.onStop { _ in stop() }
        control.onPause { stop() }
        if control.stopRequest != nil || control.pauseRequested { stopWork() }
        let (events, jobID) = (self.events, self.jobID)
        control.startWatching(log: { events.log(jobID, level: "WARNING", message: $0) }, pauseFile: true)
        let result = await work.value
        control.stopWatching()

        var outcome: RunOutcome
        switch (control.stopRequest, result) {
        case (let stop?, _): outcome = stop.outcome
        case (nil, _) where control.pauseRequested: outcome = .paused
        case (nil, .success): outcome = context.isCancelled ? .cancelled : .completed
        case (nil, .failure(let error)): outcome = .failed("\(error)")
        }
        if let failure = writer.failure { outcome = .failed(failure) }
        checkpoint.endRun(outcome)
        checkpoint.elapsedSeconds = control.elapsed
        checkpoint.updatedAt = Date()
        if let failure = await writer.write(checkpoint), outcome != .failed(failure) { outcome = .failed(failure) }
        return outcome
    }

    private func stopWork() {
        if let group, control.isFrozen { _ = killpg(group, SIGCONT) }
        context?.cancel()
        work?.cancel()
    }

    func requestStop(_ request: StopRequest) async {
        control.requestStop(request)
    }

    func requestPause() async {
        guard control.stopRequest == nil else { return }
        control.requestPause()
    }

    func snapshot() async -> JobCheckpoint {
        var current = checkpoint
        current.elapsedSeconds = control.elapsed
        return current
    }

    func freeze(_ frozen: Bool) async {
        control.setFrozen(frozen)
        if let group { _ = killpg(group, frozen ? SIGSTOP : SIGCONT) }
        checkpoint.status = frozen ? .paused : .running
        checkpoint.pausedByUser = frozen
        _ = await writer.write(checkpoint)
    }

    func currentPID() async -> Int32? {
        group ?? getpid()
    }

    /// The executable module's process exists.
    func attach(_ processGroup: Int32) {
        group = processGroup
        checkpoint.processGroups = [processGroup]
        writer.enqueue(checkpoint, durable: false)
        if control.isFrozen { _ = killpg(processGroup, SIGSTOP) }
    }

    // MARK: ModuleEventSink

    func moduleLog(level: String, message: String) async {
        await events.logBounded(jobID, level: level, message: message)
    }

    func moduleResult(_ data: JSONValue) async {
        await events.result(jobID, data: data)
    }

    func moduleCheckpoint(_ data: JSONValue) async {
        checkpoint.moduleCheckpoint = data
        checkpoint.updatedAt = Date()
        checkpoint.elapsedSeconds = control.elapsed
        if let failure = await writer.write(checkpoint), control.stopRequest == nil {
            events.log(jobID, level: "ERROR", message: failure)
            control.requestStop(.checkpointFailed(failure))
        }
    }
}
