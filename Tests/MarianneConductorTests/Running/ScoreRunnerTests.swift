import Foundation
import MarianneCore
import MarianneProtocol
import MarianneTestSupport
import Testing
@testable import MarianneConductor

/// An attempt that runs nothing: each sheet's results come from a script, and it records
/// how many attempts of a sheet run at once.
final class FakeAttempt: SheetAttempting, @unchecked Sendable {
    let killGrace = 0.1
    let baseEnvironment: [String: String] = [:]
    private let lock = NSLock()
    private var script: [Int: [AttemptResult]]
    private var running: [Int: Int] = [:]
    private(set) var calls: [Int: Int] = [:]
    private(set) var maxOverlap: [Int: Int] = [:]
    let duration: Duration

    init(script: [Int: [AttemptResult]], duration: Duration = .milliseconds(20)) {
        self.script = script
        self.duration = duration
    }

    static let ok = AttemptResult(status: .exited(0), timedOut: false, rateLimited: false, validations: [], stdoutTail: "", stderrTail: "", failure: nil)
    static let rateLimited = AttemptResult(status: .exited(1), timedOut: false, rateLimited: true, validations: [], stdoutTail: "", stderrTail: "rate limit", failure: "exit code 1")
    static let failed = AttemptResult(status: .exited(2), timedOut: false, rateLimited: false, validations: [], stdoutTail: "", stderrTail: "", failure: "exit code 2")

    func run(
        _ request: AttemptRequest, started: @escaping @Sendable (AttemptHandle) async -> Void, output: (stdout: OutputLines, stderr: OutputLines)?
    ) async -> AttemptResult {
        let sheet = request.sheet
        let result: AttemptResult = lock.withLock {
            calls[sheet.number, default: 0] += 1
            running[sheet.number, default: 0] += 1
            maxOverlap[sheet.number] = max(maxOverlap[sheet.number] ?? 0, running[sheet.number] ?? 0)
            var queue = script[sheet.number] ?? []
            let next = queue.isEmpty ? Self.ok : queue.removeFirst()
            script[sheet.number] = queue
            return next
        }
        try? await Task.sleep(for: duration)
        lock.withLock { running[sheet.number, default: 1] -= 1 }
        if Task.isCancelled { return AttemptResult.failed("interrupted") }
        return result
    }
}

/// Collects what a runner reports.
final class RecordingEvents: RunEvents, @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var messages: [String] { lock.withLock { lines } }

    func log(_ jobID: String, level: String, message: String) { lock.withLock { lines.append(message) } }
    func logBounded(_ jobID: String, level: String, message: String) async { log(jobID, level: level, message: message) }
    func sheetEvent(_ jobID: String, level: String, message: String, progress: SheetProgress) { lock.withLock { lines.append(message) } }
    func result(_ jobID: String, data: JSONValue) async {}
    func chain(_ jobID: String, _ followUp: FollowUp) {}
}

struct ScoreRunnerTests {
    struct Setup {
        let dir: TemporaryDirectory
        let runner: ScoreRunner
        let attempt: FakeAttempt
        let events: RecordingEvents
        let path: String
    }

    func make(_ yaml: String, script: [Int: [AttemptResult]], duration: Duration = .milliseconds(20)) throws -> Setup {
        let dir = try TemporaryDirectory()
        let loaded = try ScoreLoader.load(yaml: yaml, baseDirectory: dir.path)
        try FileManager.default.createDirectory(atPath: loaded.workspace, withIntermediateDirectories: true)
        let checkpoint = JobCheckpoint(
            jobID: "j", name: loaded.score.name, configHash: "", configSnapshot: yaml, configPath: nil, workspace: loaded.workspace,
            totalSheets: loaded.sheets.count, sheets: loaded.sheets.map { SheetState(number: $0.number) }
        )
        let path = CheckpointStore.path(workspace: loaded.workspace, jobID: "j")
        let attempt = FakeAttempt(script: script, duration: duration)
        let events = RecordingEvents()
        let runner = ScoreRunner(
            jobID: "j", loaded: loaded, checkpoint: checkpoint, checkpointPath: path, killGrace: 0.1,
            environment: [:], events: events, attempt: attempt
        )
        return Setup(dir: dir, runner: runner, attempt: attempt, events: events, path: path)
    }

    @Test func aRateLimitedSheetIsNeverStartedASecondTimeWhileItWaits() async throws {
        // Sheet 1 is rate limited and waits; sheet 2 finishes meanwhile and the dispatch loop
        // looks for ready sheets again: it must not start sheet 1 beside its waiting attempt.
        let setup = try make("""
            name: limited
            workspace: ./ws
            backend: {type: claude_cli, rate_limit_wait: 400ms}
            sheet: {size: 1, total_items: 2, dependencies: {2: []}}
            parallel: {max_concurrent: 2}
            prompt: {template: "x"}
            """, script: [1: [FakeAttempt.rateLimited, FakeAttempt.ok]])
        defer { setup.dir.remove() }
        #expect(await setup.runner.run() == .completed)
        #expect(setup.attempt.calls[1] == 2)
        #expect(setup.attempt.maxOverlap[1] == 1)
        let checkpoint = try CheckpointStore.read(from: setup.path)
        #expect(checkpoint.sheets.map(\.attempts) == [2, 1])
        #expect(checkpoint.status == .completed)
    }

    @Test func retriesThenFailsAndSkipsDependents() async throws {
        let setup = try make("""
            name: failing
            workspace: ./ws
            sheet: {size: 1, total_items: 3}
            retry: {max_retries: 1, base_delay_seconds: 0.01}
            prompt: {template: "x"}
            backend: {type: command}
            """, script: [2: [FakeAttempt.failed, FakeAttempt.failed]])
        defer { setup.dir.remove() }
        let outcome = await setup.runner.run()
        #expect(outcome == .failed("sheet 2 failed: exit code 2"))
        let checkpoint = try CheckpointStore.read(from: setup.path)
        #expect(checkpoint.sheets.map(\.status) == [.completed, .failed, .skipped])
        #expect(checkpoint.sheets[1].attempts == 2)
        #expect(setup.attempt.calls[3] == nil)
    }

    @Test func aCancelStopsTheRunAndLeavesInterruptedSheetsPending() async throws {
        let setup = try make("""
            name: long
            workspace: ./ws
            sheet: {size: 1, total_items: 3}
            prompt: {template: "x"}
            backend: {type: command}
            """, script: [:], duration: .seconds(30))
        defer { setup.dir.remove() }
        let run = Task { await setup.runner.run() }
        try await Poll.until(timeout: 60) { setup.attempt.calls[1] == 1 }
        await setup.runner.requestStop(.cancel)
        #expect(await run.value == .cancelled)
        let checkpoint = try CheckpointStore.read(from: setup.path)
        #expect(checkpoint.sheets.map(\.status) == [.pending, .pending, .pending])
        #expect(checkpoint.sheets[0].error == "interrupted")
        #expect(checkpoint.status == .cancelled)
    }

    @Test func aPauseRequestEndsTheRunAtTheNextSheetBoundary() async throws {
        let setup = try make("""
            name: paused
            workspace: ./ws
            sheet: {size: 1, total_items: 3}
            prompt: {template: "x"}
            backend: {type: command}
            """, script: [:], duration: .seconds(3))
        defer { setup.dir.remove() }
        let run = Task { await setup.runner.run() }
        try await Poll.until(timeout: 60) { setup.attempt.calls[1] == 1 }
        await setup.runner.requestPause()
        #expect(await run.value == .paused)
        let checkpoint = try CheckpointStore.read(from: setup.path)
        #expect(checkpoint.sheets.map(\.status) == [.completed, .pending, .pending])
        #expect(checkpoint.pausedByUser)
    }

    @Test func aCheckpointThatCannotBeWrittenFailsTheJobWithTheReason() async throws {
        let setup = try make("""
            name: vanishing
            workspace: ./ws
            sheet: {size: 1, total_items: 3}
            prompt: {template: "x"}
            backend: {type: command}
            """, script: [:], duration: .seconds(3))
        defer { setup.dir.remove() }
        let run = Task { await setup.runner.run() }
        try await Poll.until(timeout: 60) { setup.attempt.calls[1] == 1 }
        try FileManager.default.removeItem(atPath: setup.dir.file("ws"))
        let outcome = await run.value
        guard case .failed(let reason) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        #expect(reason.contains("checkpoint could not be written"))
        #expect(setup.attempt.calls[3] == nil)
    }
}
