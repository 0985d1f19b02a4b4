import Foundation
import Logging
import MarianneCore
import MarianneProtocol
import MarianneTestSupport
import Testing
@testable import MarianneConductor

/// A runner that runs nothing: it finishes when told to, and can be made to finish during a
/// call (to replay races).
actor FakeRunner: JobRunner {
    private var finish: CheckedContinuation<RunOutcome, Never>?
    private var pending: RunOutcome?
    /// Finishes the run while `freeze(false)` is being answered, and waits until the
    /// queue has handled the end.
    var finishWhenThawed = false
    let ended = AsyncGate()

    func run() async -> RunOutcome {
        if let pending { return pending }
        return await withCheckedContinuation { finish = $0 }
    }

    func end(_ outcome: RunOutcome) {
        if let finish {
            finish.resume(returning: outcome)
            self.finish = nil
        } else {
            pending = outcome
        }
    }

    func requestStop(_ request: StopRequest) async { end(request.outcome) }
    func requestPause() async { end(.paused) }

    func freeze(_ frozen: Bool) async {
        if !frozen, finishWhenThawed {
            end(.completed)
            await ended.wait()
        }
    }

    func currentPID() async -> Int32? { nil }
    func snapshot() async -> JobCheckpoint {
        JobCheckpoint(jobID: "r", name: "r", configHash: "", configSnapshot: "", configPath: nil, workspace: "/", totalSheets: 0, sheets: [])
    }
    func setFinishWhenThawed() { finishWhenThawed = true }
}

struct FakeStarter: JobStarting {
    let runner: FakeRunner
    let store: JobStore

    func makeRunner(_ id: String, prepared: PreparedJob?) async throws -> JobRunner { runner }
    func markRunning(_ id: String) async throws -> Bool {
        try await store.transition(id, from: [.pending], to: .running)
    }
}

struct JobControlTests {
    struct Engine {
        let dir: TemporaryDirectory
        let store: JobStore
        let queue: JobQueue
        let control: JobControl
        let runner: FakeRunner
    }

    func engine() async throws -> Engine {
        let dir = try TemporaryDirectory()
        let registry = try Registry(path: dir.file("registry.sqlite"))
        let store = JobStore(registry: registry)
        let log = JobLog(registry: registry, logger: Logger(label: "test"))
        let waiters = JobWaiters()
        let runner = FakeRunner()
        let queue = JobQueue(
            maxConcurrent: 2, starter: FakeStarter(runner: runner, store: store), logger: Logger(label: "test"),
            handlers: JobQueue.Handlers(
                finished: { id, outcome, _ in
                    _ = try? await store.transition(id, from: [.pending, .running, .paused], to: outcome.status)
                    await runner.ended.open()
                },
                startFailed: { _, _ in },
                liveChanged: { _ in }
            )
        )
        let control = JobControl(store: store, log: log, queue: queue, waiters: waiters, killGrace: 0.1, home: dir.path, logger: Logger(label: "test"))
        let workspace = dir.file("ws")
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        let row = JobRow(
            id: "r", kind: "score", name: "r", status: "pending", workspace: workspace, configPath: nil, checkpointPath: nil,
            pid: nil, createdAt: 0, startedAt: nil, finishedAt: nil, error: nil, currentSheet: nil, completedSheets: 0,
            totalSheets: 1, seq: 0, configSnapshot: "name: r"
        )
        let checkpoint = JobCheckpoint(jobID: "r", name: "r", configHash: "", configSnapshot: "name: r", configPath: nil, workspace: workspace, totalSheets: 1, sheets: [SheetState(number: 1)])
        try await store.create(row, checkpoint: checkpoint)
        return Engine(dir: dir, store: store, queue: queue, control: control, runner: runner)
    }

    @Test func aResumeRacingTheRunnersEndNeverOverwritesTheEnd() async throws {
        let engine = try await engine()
        defer { engine.dir.remove() }
        await engine.queue.enqueue("r")
        try await Poll.until(timeout: 60) { try await engine.store.row("r").jobStatus == .running }
        try await Poll.until(timeout: 60) { await engine.queue.liveJob("r")?.runner != nil }
        _ = try await engine.control.pause("r", now: true)
        #expect(try await engine.store.row("r").jobStatus == .paused)
        // The job ends while its processes are being continued.
        await engine.runner.setFinishWhenThawed()
        let answer = try await engine.control.resume("r", reload: false)
        #expect(answer.status == .completed)
        #expect(try await engine.store.row("r").jobStatus == .completed)
    }

    @Test func aCancelWhileTheJobIsStartingCancelsIt() async throws {
        let engine = try await engine()
        defer { engine.dir.remove() }
        await engine.queue.enqueue("r")
        _ = try await engine.control.cancel("r")
        try await Poll.until(timeout: 60) { try await engine.store.row("r").jobStatus == .cancelled }
        #expect(await engine.queue.liveJob("r") == nil || true)
    }

    @Test func pausingAPendingJobTakesItOutOfTheQueue() async throws {
        let engine = try await engine()
        defer { engine.dir.remove() }
        // Not enqueued: the row is pending and queued nowhere, as after a restart.
        await #expect(throws: JobError.self) { _ = try await engine.control.pause("r", now: false) }
        #expect(try await engine.store.row("r").jobStatus == .pending)
        _ = try await engine.control.cancel("r")
        #expect(try await engine.store.row("r").jobStatus == .cancelled)
        let checkpoint = try await engine.store.checkpoint(of: engine.store.row("r"))
        #expect(checkpoint.status == .cancelled)
        // An ended job is not paused, cancelled or resumed into something else.
        await #expect(throws: JobError.self) { _ = try await engine.control.cancel("r") }
    }
}
