import Foundation
import MarianneCore
import MarianneTestSupport
import Testing

struct CheckpointStoreTests {
    func sample(_ id: String = "job") -> JobCheckpoint {
        var checkpoint = JobCheckpoint(
            jobID: id, name: "job", configHash: ConfigHash.of("name: job"), configSnapshot: "name: job", configPath: "/s.yaml",
            workspace: "/ws", totalSheets: 2, sheets: [SheetState(number: 1), SheetState(number: 2)]
        )
        checkpoint.sheets[0].status = .completed
        checkpoint.sheets[0].exitCode = 0
        checkpoint.sheets[0].validations = [ValidationOutcome(type: "file_exists", description: "f", stage: 1, passed: true)]
        checkpoint.moduleCheckpoint = .object(["next": .int(3)])
        return checkpoint
    }

    @Test func roundTrip() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = CheckpointStore.path(workspace: dir.path, jobID: "job")
        #expect(path.hasSuffix("/.marianne/checkpoint-job.json"))
        let checkpoint = sample()
        try CheckpointStore.write(checkpoint, to: path)
        let read = try CheckpointStore.read(from: path)
        #expect(read.sheets == checkpoint.sheets)
        #expect(read.jobID == "job" && read.configHash == checkpoint.configHash && read.moduleCheckpoint == checkpoint.moduleCheckpoint)
    }

    /// A write can hand back the file it replaced, still open: the new content is in place
    /// at once, and the old one stays readable (its blocks unfreed) until it is closed.
    @Test func aWriteCanHoldTheFileItReplaced() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = CheckpointStore.path(workspace: dir.path, jobID: "job")
        #expect(try CheckpointStore.writeAtomically(Data("first".utf8), to: path, holdingReplaced: true) == nil)
        let held = try #require(try CheckpointStore.writeAtomically(Data("second".utf8), to: path, holdingReplaced: true))
        defer { close(held) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
        var bytes = [UInt8](repeating: 0, count: 16)
        let count = read(held, &bytes, bytes.count)
        #expect(String(decoding: bytes.prefix(max(0, count)), as: UTF8.self) == "first")
        #expect(try CheckpointStore.writeAtomically(Data("third".utf8), to: path) == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: path.parentPath).filter { $0.contains(".tmp-") }.isEmpty)
    }

    @Test func aTornWriteLeavesTheOldCheckpointReadable() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = CheckpointStore.path(workspace: dir.path, jobID: "job")
        try CheckpointStore.write(sample(), to: path)
        // A crash mid-write leaves a half-written temp file next to the checkpoint.
        try Data("{\"version\": 1, \"job_id\": \"jo".utf8).write(to: URL(fileURLWithPath: path + ".tmp-999-1"))
        #expect(try CheckpointStore.read(from: path).jobID == "job")
        // A write that cannot complete (the directory became read-only) changes nothing.
        let directory = (path as NSString).deletingLastPathComponent
        chmod(directory, 0o500)
        defer { chmod(directory, 0o700) }
        var changed = sample()
        changed.status = .failed
        if getuid() != 0 {
            #expect(throws: (any Error).self) { try CheckpointStore.write(changed, to: path) }
            #expect(try CheckpointStore.read(from: path).status == .pending)
        }
    }

    @Test func aCorruptCheckpointIsAClearError() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("checkpoint.json")
        try Data("{\"version\": 1, \"job_id\": ".utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try CheckpointStore.read(from: path)
            Issue.record("expected an error")
        } catch let error as CheckpointError {
            #expect(error.description.contains(path))
            #expect(error.description.contains("corrupt"))
        }
        #expect(throws: CheckpointError.self) { try CheckpointStore.read(from: dir.file("missing.json")) }
    }
}
