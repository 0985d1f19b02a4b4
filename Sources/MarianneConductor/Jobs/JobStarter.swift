import Foundation
import MarianneCore
import MarianneProtocol

/// What a submission already has in hand when it queues a job: its row, its first
/// checkpoint and the parsed score, so starting it reads and parses nothing again.
struct PreparedJob: Sendable {
    var row: JobRow
    var checkpoint: JobCheckpoint
    var loaded: LoadedScore?
}

/// What the queue needs to start jobs (a seam for tests).
protocol JobStarting: Sendable {
    func makeRunner(_ id: String, prepared: PreparedJob?) async throws -> JobRunner
    /// The row is still `pending`: mark it `running`. False when it moved on meanwhile.
    func markRunning(_ id: String) async throws -> Bool
}

/// Builds the runner of a job about to start: its row and checkpoint (read as untrusted
/// input), what it runs (from the registry), parsed off the cooperative pool.
struct JobStarter: JobStarting {
    let store: JobStore
    let log: JobLog
    let catalog: ModuleCatalog
    let events: RunEvents
    let killGrace: Double
    let home: String
    let plans: PlanCache
    let board: InstrumentBoard
    /// The conductor's `executor` (conductor.yaml): where sheets run unless their score says.
    var defaultExecutor: ExecutorConfig?
    var slurm: SlurmService = .shared

    func makeRunner(_ id: String, prepared: PreparedJob?) async throws -> JobRunner {
        let row: JobRow
        let checkpoint: JobCheckpoint
        if let prepared {
            row = prepared.row
            checkpoint = prepared.checkpoint
        } else {
            row = try await store.row(id)
            checkpoint = try await store.checkpoint(of: row)
        }
        await log.ensureBegun(id)
        let path = store.checkpointPath(row)
        let snapshot = store.snapshot(of: row, checkpoint: checkpoint)
        if checkpoint.kind == "module" {
            return try await moduleRunner(id, snapshot: snapshot, checkpoint: checkpoint, path: path)
        }
        let loaded: LoadedScore
        if let parsed = prepared?.loaded, parsed.source == snapshot, parsed.workspace == checkpoint.workspace {
            loaded = parsed
        } else {
            loaded = try await Self.parse(snapshot: snapshot, checkpoint: checkpoint, home: home)
        }
        plans.remember(id, loaded)
        return ScoreRunner(
            jobID: id, loaded: loaded, checkpoint: checkpoint, checkpointPath: path, killGrace: killGrace,
            environment: LeftoverProcesses.baseEnvironment(home: home), events: events,
            executors: .of(loaded, fallback: defaultExecutor, home: home, service: slurm), board: board
        )
    }

    /// Parses what a job runs, off the cooperative pool.
    static func parse(snapshot: String, checkpoint: JobCheckpoint, home: String? = nil) async throws -> LoadedScore {
        let base = checkpoint.configPath.map { ($0 as NSString).deletingLastPathComponent } ?? checkpoint.workspace
        do {
            return try await OffPool.run {
                try ScoreLoader.load(
                    yaml: snapshot, baseDirectory: base, path: checkpoint.configPath, workspaceOverride: checkpoint.workspace, planning: home == nil,
                    instruments: InstrumentCatalog.load(directories: home.map { [InstrumentCatalog.userDirectory(home: $0)] } ?? [])
                )
            }
        } catch let error as ScoreValidationError {
            throw JobError.invalidScore(error.problems)
        }
    }

    /// The row is still `pending`: mark it `running`. False when it moved on meanwhile.
    func markRunning(_ id: String) async throws -> Bool {
        try await store.transition(
            id, from: [.pending], to: .running,
            RowChanges(startedAtIfUnset: Date().timeIntervalSince1970, finishedAt: .some(nil), error: .some(nil), pid: .some(getpid())), log: log
        ) { moved in moved ? [(level: "INFO", message: "job started")] : [] }
    }

    private func moduleRunner(_ id: String, snapshot: String, checkpoint: JobCheckpoint, path: String) async throws -> JobRunner {
        let request: ModuleRunRequest
        do {
            request = try JSONDecoder.wire.decode(ModuleRunRequest.self, from: Data(snapshot.utf8))
        } catch {
            throw JobError.checkpoint("the module request of job \(id) cannot be read: \(error)")
        }
        if let builtin = catalog.builtin[request.moduleID] {
            return ModuleRunner(jobID: id, module: builtin, request: request, checkpoint: checkpoint, checkpointPath: path, events: events)
        }
        guard let installed = await catalog.installed()[request.moduleID] else {
            throw JobError.invalidParams("module \(request.moduleID) is no longer installed")
        }
        let box = RunnerBox()
        let module = ExecutableModule(
            manifest: installed.manifest, folder: installed.folder, workspace: checkpoint.workspace,
            killGrace: killGrace, environment: LeftoverProcesses.baseEnvironment(home: home), onStart: { group in await box.runner?.attach(group) }
        )
        let runner = ModuleRunner(jobID: id, module: module, request: request, checkpoint: checkpoint, checkpointPath: path, events: events)
        box.runner = runner
        return runner
    }
}

/// Lets the executable module reach the runner created after it.
final class RunnerBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: ModuleRunner?

    var runner: ModuleRunner? {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

/// The sheet dependencies of recent jobs, so `job.status` never parses a score again.
final class PlanCache: @unchecked Sendable {
    private let lock = NSLock()
    private var plans: [String: (hash: String, dependencies: [Int: [Int]])] = [:]
    private var order: [String] = []
    static let capacity = 512

    func remember(_ id: String, _ loaded: LoadedScore) {
        let dependencies = Dictionary(loaded.sheets.map { ($0.number, $0.dependencies) }, uniquingKeysWith: { first, _ in first })
        lock.withLock {
            if plans[id] == nil { order.append(id) }
            plans[id] = (ConfigHash.of(loaded.source), dependencies)
            if order.count > Self.capacity {
                plans[order.removeFirst()] = nil
            }
        }
    }

    func dependencies(_ id: String, hash: String) -> [Int: [Int]]? {
        lock.withLock {
            guard let plan = plans[id], plan.hash == hash else { return nil }
            return plan.dependencies
        }
    }
}
