import DequeModule
import Foundation
import Logging
import MarianneCore
import MarianneProtocol

/// The queue and the running jobs: FIFO order, at most `maxConcurrent` running, one runner
/// per job. Starting a job (reading its checkpoint, parsing its score) happens off this
/// actor, with the slot reserved first; everything a later `await` could invalidate is
/// checked again after it.
actor JobQueue {
    struct Live: Sendable {
        /// nil while the job is being started.
        var runner: JobRunner?
        var task: Task<Void, Never>?
        var frozen = false
        /// A cancel or pause that came while the job was being started.
        var cancelRequested = false
        var pauseRequested = false
    }

    private var pending: Deque<String> = []
    private var prepared: [String: PreparedJob] = [:]
    private var live: [String: Live] = [:]
    private var accepting = true
    /// Group parallelism and the holds of queued jobs (`after`, `delay`).
    let groups: JobGroups
    private var wake: DeadlineTimer?
    private let starter: any JobStarting
    private let logger: Logger
    private let handlers: Handlers

    /// What happens when a runner returns, when a job cannot start, and when the set of
    /// running jobs changes.
    struct Handlers: Sendable {
        /// A job ended: its id, its outcome and the seconds it ran (nil when it never ran).
        var finished: @Sendable (String, RunOutcome, Double?) async -> Void
        var startFailed: @Sendable (String, String) async -> Void
        var liveChanged: @Sendable ([String]) -> Void
        /// After a job has left the queue for good (its id may be queued again).
        var released: @Sendable (String, RunOutcome) async -> Void = { _, _ in }
    }

    init(maxConcurrent: Int, starter: any JobStarting, logger: Logger, handlers: Handlers, groups: JobGroups? = nil) {
        self.groups = groups ?? JobGroups(defaultParallel: maxConcurrent)
        self.starter = starter
        self.logger = logger
        self.handlers = handlers
    }

    private func reportLive() {
        handlers.liveChanged(live.filter { $0.value.runner != nil }.keys.sorted())
    }

    // MARK: Queries

    var isAccepting: Bool { accepting }
    var runningIDs: [String] { live.keys.sorted() }
    var frozenIDs: Set<String> { Set(live.filter(\.value.frozen).keys) }
    func liveJob(_ id: String) -> Live? { live[id] }
    func position(_ id: String) -> Int? { pending.firstIndex(of: id).map { $0 + 1 } }

    /// Where each of `ids` stands, in one visit for a whole listing: its place in the queue
    /// (1 is next) and its runner while it runs.
    func placements(of ids: [String]) -> [String: Placement] {
        let wanted = Set(ids)
        var found: [String: Placement] = [:]
        for (index, id) in pending.enumerated() where wanted.contains(id) {
            found[id] = Placement(position: index + 1)
        }
        for id in ids {
            if let runner = live[id]?.runner { found[id, default: Placement()].runner = runner }
        }
        return found
    }

    /// A job's place in the queue and its runner (see `placements(of:)`).
    struct Placement: Sendable {
        var position: Int?
        var runner: (any JobRunner)?
    }
    func isQueued(_ id: String) -> Bool { pending.contains(id) || live[id] != nil }
    var pendingIDs: [String] { Array(pending) }

    // MARK: Changes

    /// Queues a job (`job` carries what a submission already parsed) and starts what fits.
    /// Returns whether it started at once, and else its place in the queue (1 is next).
    @discardableResult
    func enqueue(_ id: String, job: PreparedJob? = nil) -> (started: Bool, position: Int?) {
        if !pending.contains(id), live[id] == nil {
            pending.append(id)
            if let job { prepared[id] = job }
            dispatch()
        }
        return (live[id] != nil, position(id))
    }

    /// Takes a job out of the queue before it started; false when it is not queued.
    func takePending(_ id: String) -> Bool {
        guard let index = pending.firstIndex(of: id) else { return false }
        pending.remove(at: index)
        prepared[id] = nil
        return true
    }

    /// Marks a live job frozen or not; false when it is not live any more.
    func setFrozen(_ id: String, _ frozen: Bool) -> Bool {
        guard live[id] != nil else { return false }
        live[id]?.frozen = frozen
        return true
    }

    /// A cancel or pause for a job that is being started; false when it is not starting.
    func requestWhileStarting(_ id: String, cancel: Bool) -> Bool {
        guard let job = live[id], job.runner == nil else { return false }
        if cancel { live[id]?.cancelRequested = true } else { live[id]?.pauseRequested = true }
        return true
    }

    /// Stops starting jobs; returns the runners to stop and their tasks.
    func stopAccepting() -> [(id: String, runner: JobRunner, task: Task<Void, Never>?)] {
        accepting = false
        return live.compactMap { id, job in job.runner.map { (id, $0, job.task) } }
    }

    /// Moves a queued job to `position` (1-based; past the end means last); false when it is
    /// not queued.
    func move(_ id: String, to position: Int) -> Bool {
        guard let index = pending.firstIndex(of: id) else { return false }
        pending.remove(at: index)
        pending.insert(id, at: min(max(0, position - 1), pending.count))
        dispatch()
        return true
    }

    /// Looks at the queue again (a group's parallelism changed, a hold was lifted).
    func redispatch() {
        dispatch()
    }

    // MARK: Dispatch

    /// The first queued job whose group has room and whose holds allow it to start.
    private func nextStartable() -> Int? {
        guard !pending.isEmpty else { return nil }
        // Only the default group and no holds: the first job, when there is room (the common case).
        if groups.isSimple { return live.count < groups.limit(of: JobGroups.defaultGroup) ? pending.startIndex : nil }
        var running: [String: Int] = [:]
        for id in live.keys { running[groups.group(of: id), default: 0] += 1 }
        let now = Date()
        for (index, id) in pending.enumerated() {
            let group = groups.group(of: id)
            if running[group, default: 0] < groups.limit(of: group), groups.isReady(id, now: now) { return index }
        }
        return nil
    }

    private func dispatch() {
        while accepting, let index = nextStartable() {
            let id = pending.remove(at: index)
            groups.started(id)
            let job = prepared.removeValue(forKey: id)
            live[id] = Live()
            let starter = self.starter
            Task {
                do {
                    let runner = try await starter.makeRunner(id, prepared: job)
                    await self.started(id, runner: runner)
                } catch {
                    await self.startFailed(id, error: "\(error)")
                }
            }
        }
        // A delayed job: look again when its time comes.
        wake?.cancel()
        wake = nil
        if accepting, let next = groups.nextStart(now: Date()) {
            wake = DeadlineTimer(after: max(0.01, next.timeIntervalSinceNow)) { [weak self] in
                Task { await self?.redispatch() }
            }
        }
    }

    private func started(_ id: String, runner: JobRunner) async {
        guard let job = live[id] else { return }
        if job.cancelRequested || !accepting {
            live[id] = nil
            if job.cancelRequested { await handlers.finished(id, .cancelled, nil) } else { await handlers.finished(id, .interrupted, nil) }
            dispatch()
            return
        }
        do {
            guard try await starter.markRunning(id) else {
                // The row moved on while the job was being started (deleted, cancelled).
                live[id] = nil
                dispatch()
                return
            }
        } catch {
            live[id] = nil
            await handlers.startFailed(id, "\(error)")
            dispatch()
            return
        }
        let task = Task {
            let outcome = await runner.run()
            await self.runnerFinished(id, outcome: outcome)
        }
        live[id]?.runner = runner
        live[id]?.task = task
        reportLive()
        // Requests that came while the row was being marked running.
        if live[id]?.cancelRequested == true { await runner.requestStop(.cancel) }
        if live[id]?.pauseRequested == true { await runner.requestPause() }
        logger.info("job started", metadata: ["job": "\(id)"])
    }

    private func startFailed(_ id: String, error: String) async {
        live[id] = nil
        logger.error("job could not start", metadata: ["job": "\(id)", "error": "\(error)"])
        await handlers.startFailed(id, error)
        dispatch()
    }

    private func runnerFinished(_ id: String, outcome: RunOutcome) async {
        let elapsed = await live[id]?.runner?.snapshot().elapsedSeconds
        await handlers.finished(id, outcome, elapsed)
        live[id] = nil
        reportLive()
        logger.info("job ended", metadata: ["job": "\(id)", "status": "\(outcome.status.rawValue)"])
        dispatch()
        await handlers.released(id, outcome)
    }
}
