import Foundation
import MarianneProtocol
import MarianneCore

/// Runs one module job: gives the module a `JobContext`, turns what it reports into log
/// entries, results and checkpoints, and turns cancel, pause and the duration limit into
/// `context.isCancelled` plus task cancellation (which stops an executable module's
/// process group).
actor ModuleRunner: JobRunner, ModuleEventSink {
    private let jobID: String
    private let module: JobModule
    private let request: ModuleRunRequest
    private let checkpointPath: String
    private let events: JobEventSink
    private var checkpoint: JobCheckpoint
    private var stopRequest: StopRequest?
    private var pauseRequested = false
    private var child: ChildProcess?
    private var context: JobContext?
    private var work: Task<Result<Void, Error>, Never>?
    private let clock: RunClock

    init(jobID: String, module: JobModule, request: ModuleRunRequest, checkpoint: JobCheckpoint, checkpointPath: String, events: JobEventSink) {
        self.jobID = jobID
        self.module = module
        self.request = request
        self.checkpoint = checkpoint
        self.checkpointPath = checkpointPath
        self.events = events
        self.clock = RunClock(before: checkpoint.elapsedSeconds)
    }

    private var elapsed: Double { clock.elapsed }

    func run() async -> RunOutcome {
        checkpoint.beginRun()
        persist()
        let context = JobContext(jobID: jobID, sink: self)
        self.context = context
        let module = self.module
        let request = self.request
        let saved = checkpoint.moduleCheckpoint
        let work = Task {
            do {
                try await module.run(context, inputs: request.inputs, settings: request.settings, checkpoint: saved)
                return Result<Void, Error>.success(())
            } catch {
                return .failure(error)
            }
        }
        self.work = work
        let watcher = Task { [weak self] in await self?.watchSignals() }
        let result = await work.value
        watcher.cancel()

        var outcome: RunOutcome
        switch (stopRequest, result) {
        case (.cancel?, _): outcome = .cancelled
        case (.durationLimit?, _): outcome = .stopped("Duration limit reached")
        case (.shutdown?, _): outcome = .interrupted
        case (nil, _) where pauseRequested: outcome = .paused
        case (nil, .success): outcome = context.isCancelled ? .cancelled : .completed
        case (nil, .failure(let error)): outcome = .failed("\(error)")
        }
        checkpoint.endRun(outcome)
        persist()
        return outcome
    }

    func requestStop(_ request: StopRequest) async {
        guard stopRequest == nil else { return }
        stopRequest = request
        child?.signalGroup(SIGCONT)
        context?.cancel()
        work?.cancel()
    }

    /// Modules have no sheet boundaries: a pause stops the module now and a resume starts
    /// it again from its last saved checkpoint.
    func requestPause() {
        guard stopRequest == nil, !pauseRequested else { return }
        pauseRequested = true
        context?.cancel()
        work?.cancel()
    }

    func snapshot() async -> JobCheckpoint {
        var current = checkpoint
        current.elapsedSeconds = elapsed
        return current
    }

    func freeze(_ frozen: Bool) async {
        child?.signalGroup(frozen ? SIGSTOP : SIGCONT)
    }

    func currentPID() async -> Int32? {
        child?.pid ?? getpid()
    }

    func attach(_ child: ChildProcess) async {
        self.child = child
        await events.processGroups(jobID: jobID, groups: [child.processGroup])
        checkpoint.sheets = []
        persist(durable: false)
        if stopRequest != nil || pauseRequested { work?.cancel() }
    }

    // MARK: ModuleEventSink

    func moduleLog(level: String, message: String) async {
        await events.log(jobID: jobID, level: level, message: message)
    }

    func moduleResult(_ data: JSONValue) async {
        await events.result(jobID: jobID, data: data)
    }

    func moduleCheckpoint(_ data: JSONValue) async {
        checkpoint.moduleCheckpoint = data
        persist()
    }

    // MARK: Signals

    /// Cancel file and duration limit as for scores; and, modules having no sheet boundary,
    /// a pause file pauses at once.
    private func watchSignals() async {
        let pauseFile = WorkspaceFiles.pauseSignal(workspace: checkpoint.workspace, jobID: jobID)
        while !Task.isCancelled {
            try? await Task.sleep(nanoseconds: RunLimits.pollNanoseconds)
            guard stopRequest == nil else { continue }
            if let (request, message) = RunLimits.check(checkpoint, elapsed: elapsed) {
                await events.log(jobID: jobID, level: "WARNING", message: message)
                await requestStop(request)
            } else if !pauseRequested, FileManager.default.fileExists(atPath: pauseFile) {
                requestPause()
            }
        }
    }

    private func persist(durable: Bool = true) {
        checkpoint.updatedAt = Date()
        checkpoint.elapsedSeconds = elapsed
        try? CheckpointStore.write(checkpoint, to: checkpointPath, durable: durable)
    }
}
