import Foundation
import MarianneCore
import MarianneProtocol
import MarianneTestSupport
import Testing
@testable import MarianneConductor

/// A new job's row, queue options and first checkpoint are written together or not at all.
struct JobStoreTests {
    func job(_ id: String, workspace: String) -> (JobRow, JobCheckpoint) {
        let row = JobRow(
            id: id, kind: "score", name: id, status: "pending", workspace: workspace, configPath: nil, checkpointPath: nil,
            pid: nil, createdAt: 0, startedAt: nil, finishedAt: nil, error: nil, currentSheet: nil, completedSheets: 0,
            totalSheets: 1, seq: 0, configSnapshot: "name: \(id)"
        )
        let checkpoint = JobCheckpoint(
            jobID: id, name: id, configHash: "", configSnapshot: "name: \(id)", configPath: nil, workspace: workspace, totalSheets: 1,
            sheets: [SheetState(number: 1)]
        )
        return (row, checkpoint)
    }

    @Test func aJobIsCreatedWithItsQueueOptionsAndCheckpoint() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = JobStore(registry: try Registry(path: dir.file("registry.sqlite")))
        let workspace = dir.file("ws")
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        let (row, checkpoint) = job("a", workspace: workspace)
        let options = JobQueueRow(jobID: "a", groupName: nil, label: "nightly", after: nil, notBefore: nil, command: nil)
        try await store.create(row, checkpoint: checkpoint, queue: options)
        #expect(try await store.row("a").jobStatus == .pending)
        #expect(try await store.registry.queueRows(["a"])["a"]?.label == "nightly")
        #expect(try await store.checkpoint(of: store.row("a")).jobID == "a")
    }

    @Test func aCheckpointThatCannotBeWrittenLeavesNoRowAndNoQueueOptions() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = JobStore(registry: try Registry(path: dir.file("registry.sqlite")))
        // The workspace is a file: no checkpoint can be written under it.
        let workspace = dir.file("not-a-folder")
        try "x".write(toFile: workspace, atomically: true, encoding: .utf8)
        let (row, checkpoint) = job("b", workspace: workspace)
        let options = JobQueueRow(jobID: "b", groupName: nil, label: "lost", after: nil, notBefore: nil, command: nil)
        await #expect {
            try await store.create(row, checkpoint: checkpoint, queue: options)
        } throws: { error in
            guard case JobError.workspace(let message) = error else { return false }
            return message.contains("workspace \(workspace) cannot be written")
        }
        #expect(try await store.find("b") == nil)
        #expect(try await store.registry.queueRows(["b"]).isEmpty)
    }

    @Test func anActiveIDIsRefusedAndItsCheckpointLeftAlone() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = JobStore(registry: try Registry(path: dir.file("registry.sqlite")))
        let workspace = dir.file("ws")
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        let (row, checkpoint) = job("c", workspace: workspace)
        try await store.create(row, checkpoint: checkpoint)
        var other = checkpoint
        other.name = "intruder"
        await #expect {
            try await store.create(row, checkpoint: other)
        } throws: { error in
            guard case JobError.alreadyActive("c", .pending) = error else { return false }
            return true
        }
        #expect(try await store.checkpoint(of: store.row("c")).name == "c")
    }
}
