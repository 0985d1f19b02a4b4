import Foundation
import MarianneCore
import MarianneProtocol
import MarianneTestSupport
import Testing
@testable import MarianneConductor

/// A score's sheets on an in-memory Slurm cluster, through the real attempt and executor:
/// the checkpoint records each sheet's job, a vanished job is submitted again without
/// spending a retry, and a sheet a dead conductor left running is re-attached.
struct SlurmScoreRunnerTests {
    struct Setup {
        let dir: TemporaryDirectory
        let fake: FakeSlurm
        let runner: ScoreRunner
        let events: RecordingEvents
        let path: String
    }

    func make(_ yaml: String, fake: FakeSlurm, prepare: (inout JobCheckpoint) -> Void = { _ in }) throws -> Setup {
        let dir = try TemporaryDirectory()
        let loaded = try ScoreLoader.load(yaml: yaml, baseDirectory: dir.path)
        try FileManager.default.createDirectory(atPath: loaded.workspace, withIntermediateDirectories: true)
        var checkpoint = JobCheckpoint(
            jobID: "j", name: loaded.score.name, configHash: "", configSnapshot: yaml, configPath: nil, workspace: loaded.workspace,
            totalSheets: loaded.sheets.count, sheets: loaded.sheets.map { SheetState(number: $0.number) }
        )
        prepare(&checkpoint)
        _ = FileManager.default.createFile(atPath: dir.file("slurm.conf"), contents: Data("ClusterName=fake\n".utf8))
        let path = CheckpointStore.path(workspace: loaded.workspace, jobID: "j")
        let service = SlurmService(commands: fake, minInterval: .milliseconds(10), maxInterval: .milliseconds(40), goneAfter: .milliseconds(100))
        let events = RecordingEvents()
        let runner = ScoreRunner(
            jobID: "j", loaded: loaded, checkpoint: checkpoint, checkpointPath: path, killGrace: 0.1,
            environment: ["PATH": "/usr/bin:/bin", "SLURM_CONF": dir.file("slurm.conf")],
            events: events, executors: ExecutorChoice(resolve: { _ in .slurm(SlurmOptions()) }, service: service, home: "/h")
        )
        return Setup(dir: dir, fake: fake, runner: runner, events: events, path: path)
    }

    @Test func eachSheetsJobIsInTheCheckpoint() async throws {
        let fake = FakeSlurm()
        fake.advance = true
        let setup = try make("""
            name: two
            workspace: ./ws
            sheet: {size: 1, total_items: 2}
            prompt: {template: "true"}
            backend: {type: command}
            """, fake: fake)
        defer { setup.dir.remove() }
        #expect(await setup.runner.run() == .completed)
        let checkpoint = try CheckpointStore.read(from: setup.path)
        #expect(checkpoint.sheets.map(\.slurm?.state) == ["COMPLETED", "COMPLETED"])
        #expect(Set(checkpoint.sheets.compactMap(\.slurm?.jobID)).count == 2)
        #expect(checkpoint.sheets.map(\.attempts) == [1, 1])
    }

    @Test func aVanishedJobIsSubmittedAgainWithoutSpendingARetry() async throws {
        let fake = FakeSlurm()
        fake.advance = true
        fake.loseSubmissions = 1
        let setup = try make("""
            name: lost
            workspace: ./ws
            prompt: {template: "true"}
            backend: {type: command}
            """, fake: fake)
        defer { setup.dir.remove() }
        #expect(await setup.runner.run() == .completed)
        #expect(fake.calls(.sbatch).count == 2)
        #expect(setup.events.messages.contains { $0.contains("submitting it again (no retry is spent)") })
        #expect(try CheckpointStore.read(from: setup.path).sheets[0].attempts == 2)
    }

    @Test func aSheetLeftRunningOnSlurmIsReattachedNotRunAgain() async throws {
        let fake = FakeSlurm()
        let id = fake.add(name: "mzt.j.1.1.abc", comment: "marianne job=j sheet=1 attempt=1 token=abc", state: "RUNNING")
        let setup = try make("""
            name: again
            workspace: ./ws
            sheet: {size: 1, total_items: 2}
            prompt: {template: "true"}
            backend: {type: command}
            """, fake: fake) { checkpoint in
            checkpoint.sheets[0].status = .running
            checkpoint.sheets[0].attempts = 1
            checkpoint.sheets[0].slurm = SlurmAttemptRecord(jobID: id, name: "mzt.j.1.1.abc", comment: "marianne job=j sheet=1 attempt=1 token=abc", state: "RUNNING")
        }
        defer { setup.dir.remove() }
        fake.advance = true
        #expect(await setup.runner.run() == .completed)
        let checkpoint = try CheckpointStore.read(from: setup.path)
        #expect(checkpoint.sheets[0].slurm?.jobID == id)
        #expect(checkpoint.sheets[0].attempts == 1)
        // Only sheet 2 was submitted.
        #expect(fake.calls(.sbatch).count == 1)
        #expect(setup.events.messages.contains("sheet 1 re-attached to Slurm job \(id) (attempt 1)"))
        #expect(!setup.events.messages.contains { $0.hasPrefix("sheet 1 started") })
    }
}
