import Foundation
import MarianneCore
import MarianneTestSupport
import Testing

/// A checkpoint continued by its journal reads as the last state a record describes.
struct CheckpointJournalTests {
    func large(_ sheets: Int = 200) -> JobCheckpoint {
        var checkpoint = JobCheckpoint(
            jobID: "big", name: "big", configHash: ConfigHash.of("name: big"), configSnapshot: "name: big", configPath: "/s.yaml",
            workspace: "/ws", totalSheets: sheets, sheets: (1...sheets).map { SheetState(number: $0) }
        )
        checkpoint.status = .running
        return checkpoint
    }

    /// Writes `checkpoint` whole as generation `base`, as the runner's writer does.
    func writeWhole(_ checkpoint: JobCheckpoint, base: String, to path: String, encoder: CheckpointEncoder) throws {
        var whole = checkpoint
        whole.journalBase = base
        try CheckpointStore.writeAtomically(try encoder.encode(whole), to: path)
    }

    func append(_ bytes: [UInt8], to path: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path) ?? {
            FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            return FileHandle(forWritingAtPath: path)
        }())
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(bytes))
    }

    @Test func recordsApplyInOrderOverTheFileTheyContinue() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = CheckpointStore.path(workspace: dir.path, jobID: "big")
        let journal = CheckpointJournal.path(checkpoint: path)
        let encoder = CheckpointEncoder()
        var checkpoint = large()
        try writeWhole(checkpoint, base: "g1", to: path, encoder: encoder)
        let wholeSize = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)

        checkpoint.sheets[0].status = .completed
        checkpoint.sheets[0].exitCode = 0
        checkpoint.lastCompletedSheet = 1
        let first = try #require(try encoder.record(checkpoint, base: "g1"))
        checkpoint.sheets[1].status = .running
        checkpoint.sheets[1].attempts = 1
        checkpoint.sheets[1].error = "line one\nline two"
        let second = try #require(try encoder.record(checkpoint, base: "g1"))
        // Each record holds the head and only the sheets that changed since the last one.
        #expect(second.count < wholeSize / 10)
        #expect(first.last == UInt8(ascii: "\n") && first.dropLast().contains(UInt8(ascii: "\n")) == false)
        #expect(second.dropLast().contains(UInt8(ascii: "\n")) == false)
        try append(first + second, to: journal)

        let read = try CheckpointStore.read(from: path)
        #expect(read.sheets == checkpoint.sheets)
        #expect(read.lastCompletedSheet == 1 && read.status == .running)
        #expect(read.configSnapshot == "name: big" && read.journalBase == "g1")
    }

    @Test func aTornLastRecordIsPassedOver() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = CheckpointStore.path(workspace: dir.path, jobID: "big")
        let encoder = CheckpointEncoder()
        var checkpoint = large()
        try writeWhole(checkpoint, base: "g1", to: path, encoder: encoder)
        checkpoint.sheets[0].status = .completed
        let whole = try #require(try encoder.record(checkpoint, base: "g1"))
        checkpoint.sheets[1].status = .completed
        let torn = try #require(try encoder.record(checkpoint, base: "g1")).prefix(40)
        try append(whole + torn, to: CheckpointJournal.path(checkpoint: path))

        let read = try CheckpointStore.read(from: path)
        #expect(read.sheets[0].status == .completed)
        #expect(read.sheets[1].status == .pending)
    }

    /// A file written whole again (a compaction, or the conductor editing an idle job) is
    /// never overwritten by records made for the file before it, in whatever order a crash
    /// left the two.
    @Test func recordsOfAnotherFileAreInert() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = CheckpointStore.path(workspace: dir.path, jobID: "big")
        let journal = CheckpointJournal.path(checkpoint: path)
        let encoder = CheckpointEncoder()
        var checkpoint = large()
        try writeWhole(checkpoint, base: "g1", to: path, encoder: encoder)
        checkpoint.sheets[0].status = .failed
        let stale = try #require(try encoder.record(checkpoint, base: "g1"))

        var compacted = large()
        compacted.sheets[0].status = .completed
        try writeWhole(compacted, base: "g2", to: path, encoder: CheckpointEncoder())
        try append(stale, to: journal)
        #expect(try CheckpointStore.read(from: path).sheets[0].status == .completed)

        // A whole write through the store names no journal and removes it.
        var edited = try CheckpointStore.read(from: path)
        edited.status = .paused
        try CheckpointStore.write(edited, to: path)
        #expect(!FileManager.default.fileExists(atPath: journal))
        try append(stale, to: journal)
        let read = try CheckpointStore.read(from: path)
        #expect(read.status == .paused && read.sheets[0].status == .completed && read.journalBase == nil)
    }

    @Test func aRecordNeedsTheWholeEncodingItContinues() throws {
        let encoder = CheckpointEncoder()
        let checkpoint = large(3)
        #expect(try encoder.record(checkpoint, base: "g") == nil)
        _ = try encoder.encode(checkpoint)
        #expect(try encoder.record(checkpoint, base: "g") != nil)
        var other = checkpoint
        other.configSnapshot = "name: changed"
        #expect(try encoder.record(other, base: "g") == nil)
        var more = checkpoint
        more.sheets.append(SheetState(number: 4))
        #expect(try encoder.record(more, base: "g") == nil)
    }

    @Test func aSymlinkedJournalIsRefused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = CheckpointStore.path(workspace: dir.path, jobID: "big")
        try writeWhole(large(), base: "g1", to: path, encoder: CheckpointEncoder())
        try "{}\n".write(toFile: dir.file("elsewhere"), atomically: false, encoding: .utf8)
        symlink(dir.file("elsewhere"), CheckpointJournal.path(checkpoint: path))
        #expect(throws: CheckpointError.self) { try CheckpointStore.read(from: path) }
    }
}
