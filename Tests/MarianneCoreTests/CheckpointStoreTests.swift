import Foundation
@testable import MarianneCore
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

    /// Where the filesystem cannot exchange names, a write renames over the old file and can
    /// hand it back still open: the new content is in place at once, and the old one stays
    /// readable (its blocks unfreed) until it is closed.
    @Test func aWriteCanHoldTheFileItReplaced() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = CheckpointStore.path(workspace: dir.path, jobID: "job")
        #expect(try CheckpointStore.writeAtomically(Data("first".utf8), to: path, durable: true, holdingReplaced: true, exchanging: false) == nil)
        let held = try #require(try CheckpointStore.writeAtomically(Data("second".utf8), to: path, durable: true, holdingReplaced: true, exchanging: false))
        defer { close(held) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
        var bytes = [UInt8](repeating: 0, count: 16)
        let count = read(held, &bytes, bytes.count)
        #expect(String(decoding: bytes.prefix(max(0, count)), as: UTF8.self) == "first")
        #expect(try CheckpointStore.writeAtomically(Data("third".utf8), to: path) == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: path.parentPath).filter { $0.contains(".tmp-") }.isEmpty)
    }

    /// Replacing a checkpoint frees no inode: the new content goes to the spare, whose name
    /// is exchanged with the checkpoint's, so the spare then holds the previous content and
    /// the same two files serve every later write.
    @Test func aReplacementGoesThroughTheSpareAndFreesNothing() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = CheckpointStore.path(workspace: dir.path, jobID: "job")
        let spare = CheckpointStore.sparePath(of: path)
        func inode(_ file: String) -> UInt64 {
            var info = stat()
            return stat(file, &info) == 0 ? UInt64(info.st_ino) : 0
        }
        try CheckpointStore.writeAtomically(Data("first, and longer than the rest".utf8), to: path)
        #expect(!FileManager.default.fileExists(atPath: spare))
        try CheckpointStore.writeAtomically(Data("second".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
        #expect(try String(contentsOfFile: spare, encoding: .utf8) == "first, and longer than the rest")
        let files = Set([inode(path), inode(spare)])
        for text in ["third", "fourth, longer than the third", "fifth"] {
            try CheckpointStore.writeAtomically(Data(text.utf8), to: path)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
            #expect(Set([inode(path), inode(spare)]) == files)
        }
        #expect(try String(contentsOfFile: spare, encoding: .utf8) == "fourth, longer than the third")
        #expect(try FileManager.default.contentsOfDirectory(atPath: path.parentPath).sorted() == ["checkpoint-job.json", "checkpoint-job.json.spare"])
    }

    /// Something other than a regular file at the spare's name (a symlink, a second link to
    /// another file) is replaced, never written through.
    @Test func aSpareThatIsNotAPlainFileIsReplacedNotFollowed() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = CheckpointStore.path(workspace: dir.path, jobID: "job")
        let spare = CheckpointStore.sparePath(of: path)
        let victim = dir.path + "/victim.txt"
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: victim))
        try CheckpointStore.writeAtomically(Data("first".utf8), to: path)
        #expect(symlink(victim, spare) == 0)
        try CheckpointStore.writeAtomically(Data("second".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep me")
        unlink(spare)
        #expect(link(victim, spare) == 0)
        try CheckpointStore.writeAtomically(Data("third".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "third")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep me")
    }

    /// Writes of one file from several threads at once each leave a whole file: one of them
    /// uses the spare, the others temp files.
    @Test func concurrentWritesOfOneFileEachLeaveItWhole() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = CheckpointStore.path(workspace: dir.path, jobID: "job")
        try CheckpointStore.writeAtomically(Data("start".utf8), to: path)
        let texts = (0..<8).map { String(repeating: Character(String($0)), count: 40_000 + $0 * 1000) }
        await withTaskGroup(of: Void.self) { group in
            for text in texts {
                group.addTask {
                    for _ in 0..<20 { _ = try? CheckpointStore.writeAtomically(Data(text.utf8), to: path, durable: false) }
                }
            }
        }
        let final = try String(contentsOfFile: path, encoding: .utf8)
        #expect(texts.contains(final))
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
