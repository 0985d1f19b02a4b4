import Foundation
import Logging
import MarianneCore
import MarianneProtocol

/// The job engine, assembled: the store (rows and idle checkpoints), the log, the queue
/// and its runners, submission, control, queries, recovery and cleanup, each its own type.
/// This facade is what the conductor plugs in (`JobEngine`) and what a Swift program
/// embedding the engine calls directly; its methods throw `JobError`.
public final class JobScheduler: JobEngine, Sendable {
    let environment: ConductorEnvironment
    let registry: Registry
    let store: JobStore
    let log: JobLog
    let queue: JobQueue
    let catalog: ModuleCatalog
    let waiters: JobWaiters
    let plans: PlanCache
    let events: JobEvents
    let submission: JobSubmission
    let control: JobControl
    let queries: JobQueries
    let logReader: LogReader
    let crashNote: CrashNote
    let maintenance: Maintenance
    /// Rate limits and model places shared by every job's sheets.
    let board: InstrumentBoard
    private let state = SchedulerState()
    let startedAt = Date()

    var logger: Logger { environment.logger }
    var settings: ConductorSettings { environment.settings }

    /// A scheduler whose registry lives in the conductor's home. `modules` are in-process
    /// modules (Swift types) that jobs can run besides the installed ones.
    public init(environment: ConductorEnvironment, modules: [JobModule] = []) throws {
        try FileManager.default.createDirectory(atPath: environment.home.root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let settings = environment.settings
        let registry = try Registry(path: environment.home.registryPath)
        let store = JobStore(registry: registry)
        let log = JobLog(registry: registry, logger: environment.logger, maxEntriesPerJob: settings.maxLogEntriesPerJob)
        let catalog = ModuleCatalog(root: environment.home.modulesPath, modules: modules, logger: environment.logger)
        let events = JobEvents(log: log, registry: registry)
        let waiters = JobWaiters()
        let plans = PlanCache()
        let crashNote = CrashNote(home: environment.home.root)
        let board = InstrumentBoard()
        let groups = JobGroups(defaultParallel: settings.maxConcurrentJobs)
        let reference = QueueReference()
        let dependents = DependentJobs(store: store, log: log, groups: groups, waiters: waiters, queue: { reference.queue })
        let starter = JobStarter(
            store: store, log: log, catalog: catalog, events: events, killGrace: settings.killGraceSeconds, home: environment.home.root, plans: plans,
            board: board, defaultExecutor: settings.executor
        )
        let queue = JobQueue(
            maxConcurrent: settings.maxConcurrentJobs, starter: starter, logger: environment.logger,
            handlers: JobQueue.Handlers(
                finished: { id, outcome, elapsed in
                    await Self.finished(id, outcome: outcome, elapsed: elapsed, store: store, log: log, waiters: waiters)
                    await dependents.ended(id, status: outcome.status)
                },
                startFailed: { id, reason in
                    let message = "could not start: \(reason)"
                    _ = try? await store.transition(id, from: [.pending, .running], to: .failed, RowChanges(error: .some(message)))
                    log.append(id, level: "ERROR", message: "job \(message)")
                    log.hub.finish(id)
                    waiters.wake(id)
                    await dependents.ended(id, status: .failed)
                },
                liveChanged: { crashNote.update(running: $0) },
                released: { id, outcome in await events.releaseFollowUps(id, completed: outcome == .completed) }
            ),
            groups: groups
        )
        reference.queue = queue
        let submission = JobSubmission(store: store, log: log, queue: queue, catalog: catalog, home: environment.home)
        events.setSubmitter { params in try await submission.submit(params) }
        self.environment = environment
        self.registry = registry
        self.store = store
        self.log = log
        self.catalog = catalog
        self.events = events
        self.waiters = waiters
        self.plans = plans
        self.crashNote = crashNote
        self.board = board
        self.queue = queue
        self.submission = submission
        self.control = JobControl(store: store, log: log, queue: queue, waiters: waiters, killGrace: settings.killGraceSeconds, home: environment.home.root, logger: environment.logger)
        self.queries = JobQueries(store: store, queue: queue, waiters: waiters, plans: plans)
        self.logReader = LogReader(store: store, log: log)
        self.maintenance = Maintenance(registry: registry, cleanupAge: settings.cleanupAgeSeconds, logger: environment.logger) { ids in
            for id in ids { log.forget(id) }
        }
    }

    private static func finished(_ id: String, outcome: RunOutcome, elapsed: Double?, store: JobStore, log: JobLog, waiters: JobWaiters) async {
        let line: (level: String, message: String)
        switch outcome {
        case .completed: line = ("INFO", "job completed")
        case .failed(let reason): line = ("ERROR", "job failed: \(reason)")
        case .cancelled: line = ("WARNING", "job cancelled")
        case .stopped(let reason): line = ("WARNING", "job stopped: \(reason)")
        case .paused: line = ("INFO", "job paused")
        case .interrupted: line = ("INFO", "job interrupted by conductor shutdown; it resumes when the conductor starts again")
        }
        if outcome == .interrupted {
            await log.flush()
            log.append(id, level: line.level, message: line.message)
        } else {
            // One transaction: the last progress the runner reported, then the final status with
            // the time it ran (for listings; the runner's checkpoint has it too), then the line.
            do {
                try await store.transition(
                    id, from: [.pending, .running, .paused], to: outcome.status,
                    RowChanges(error: .some(outcome.error), currentSheet: .some(nil), crashCount: 0, runningSeconds: elapsed), log: log
                ) { _ in [line] }
            } catch {
                log.append(id, level: line.level, message: line.message)
            }
        }
        if outcome.status.isTerminal { log.hub.finish(id) }
        waiters.wake(id)
    }

    // MARK: JobEngine

    public func registerMethods(on table: MethodTable) {
        JobMethods.register(on: table, scheduler: self)
        QueueMethods.register(on: table, scheduler: self)
    }

    /// Resumes every job a previous conductor left `running` or `pending` (see `Recovery`).
    public func recoverInterruptedJobs() async -> Int {
        if let problem = await registry.checkWritable() {
            state.addProblem("the registry \(environment.home.registryPath) cannot be written (\(problem)); free disk space or fix its permissions, then restart the conductor")
            logger.error("registry is not writable", metadata: ["error": "\(problem)"])
        }
        maintenance.start()
        let admission = QueueAdmission(store: store, groups: queue.groups)
        for id in await admission.restore() {
            _ = try? await store.transition(id, from: [.pending, .paused], to: .failed, RowChanges(error: .some("a job it waits for did not complete")))
            log.append(id, level: "ERROR", message: "job failed: a job it waits for did not complete")
        }
        let recovered = await Recovery(
            store: store, log: log, queue: queue, crashNote: crashNote, killGrace: settings.killGraceSeconds,
            home: environment.home.root, logger: logger
        ).run()
        state.setRecovered(recovered)
        return recovered
    }

    public func summary() async -> JobsSummary {
        var problems = state.problems
        let frozen = await queue.frozenIDs
        if log.lostEntries > 0 { problems.append("\(log.lostEntries) job log entries could not be stored (is the disk full?)") }
        var summary = JobsSummary(
            jobsByStatus: (try? await registry.counts()) ?? [:], runningJobs: await queue.runningIDs.filter { !frozen.contains($0) },
            modules: await catalog.list().modules.map(\.id), recoveredJobs: state.recovered, problems: problems
        )
        summary.rateLimits = await board.rateLimits()
        summary.modelSlots = await board.slotUsage()
        return summary
    }

    /// Stops accepting work and stops running jobs so that they stay resumable: their
    /// in-flight sheets are stopped and will run again when the next conductor starts.
    public func shutdown(grace: Double) async {
        maintenance.stop()
        let running = await queue.stopAccepting()
        for job in running {
            logger.info("stopping job for shutdown", metadata: ["job": "\(job.id)"])
            await job.runner.requestStop(.shutdown)
        }
        // Runners checkpoint as soon as their processes are gone; do not wait for ever.
        let tasks = running.compactMap(\.task)
        let bound = max(0, grace) + settings.killGraceSeconds
        await withTaskGroup(of: Void.self) { group in
            group.addTask { for task in tasks { await task.value } }
            group.addTask { try? await Task.sleep(for: .clampedSeconds(bound)) }
            await group.next()
            group.cancelAll()
        }
        await log.flush()
        crashNote.disarm()
    }
}

/// The little mutable state of the facade.
final class SchedulerState: @unchecked Sendable {
    private let lock = NSLock()
    private var _recovered = 0
    private var _problems: [String] = []

    var recovered: Int { lock.withLock { _recovered } }
    func setRecovered(_ count: Int) { lock.withLock { _recovered = count } }
    var problems: [String] { lock.withLock { _problems } }
    func addProblem(_ problem: String) { lock.withLock { _problems.append(problem) } }
}
