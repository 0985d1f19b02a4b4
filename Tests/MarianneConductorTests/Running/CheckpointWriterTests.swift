import Foundation
import MarianneCore
import MarianneProtocol
import MarianneTestSupport
import Testing
@testable import MarianneConductor

/// A running job's large checkpoint is journaled, compacted as its journal grows, and left
/// whole, with no journal, when the run ends.
struct CheckpointWriterTests {
    func checkpoint(sheets: Int, workspace: String) -> JobCheckpoint {
        var checkpoint = JobCheckpoint(
            jobID: "w", name: "w", configHash: ConfigHash.of("name: w"), configSnapshot: "name: w", configPath: nil,
            workspace: workspace, totalSheets: sheets, sheets: (1...sheets).map { SheetState(number: $0) }
        )
        checkpoint.status = .running
        return checkpoint
    }

    func size(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : -1
    }

    @Test func aLargeCheckpointIsJournaledThenCompacted() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = CheckpointStore.path(workspace: dir.path, jobID: "w")
        let journal = CheckpointJournal.path(checkpoint: path)
        let writer = CheckpointWriter(path: path)
        var state = checkpoint(sheets: 300, workspace: dir.path)
        #expect(await writer.write(state) == nil)
        let whole = size(path)
        #expect(whole >= CheckpointWriter.journalFrom)

        var inode = stat()
        stat(path, &inode)
        var compactions = 0
        for i in 0..<state.sheets.count {
            state.sheets[i].status = .completed
            state.sheets[i].exitCode = 0
            state.lastCompletedSheet = i + 1
            #expect(await writer.write(state, durable: i % 2 == 0) == nil)
            var now = stat()
            stat(path, &now)
            if now.st_ino != inode.st_ino { compactions += 1; inode = now }
            // Whatever was last written is what a reader (a restarted conductor) sees.
            if i % 50 == 0 {
                let read = try CheckpointStore.read(from: path)
                #expect(read.sheets == state.sheets && read.lastCompletedSheet == i + 1)
            }
            #expect(size(journal) <= 2 * size(path))
        }
        // The journal is rewritten into the file as it grows as large as it: a few times
        // over 300 changes, not after every sheet.
        #expect(compactions >= 1 && compactions < 30)
        #expect(try CheckpointStore.read(from: path).sheets == state.sheets)

        state.status = .completed
        #expect(await writer.write(state) == nil)
        #expect(!FileManager.default.fileExists(atPath: journal))
        let read = try CheckpointStore.read(from: path)
        #expect(read.status == .completed && read.sheets == state.sheets)
    }

    @Test func aSmallCheckpointIsAlwaysWrittenWhole() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = CheckpointStore.path(workspace: dir.path, jobID: "w")
        let writer = CheckpointWriter(path: path)
        var state = checkpoint(sheets: 3, workspace: dir.path)
        for i in 0..<3 {
            state.sheets[i].status = .completed
            #expect(await writer.write(state) == nil)
        }
        #expect(!FileManager.default.fileExists(atPath: CheckpointJournal.path(checkpoint: path)))
        #expect(try CheckpointStore.read(from: path).sheets == state.sheets)
    }

    /// A journal left by an earlier conductor (killed mid-run) is read once, by recovery;
    /// the next runner's first write starts a new file and removes it.
    @Test func aNewWriterStartsFromAWholeFile() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = CheckpointStore.path(workspace: dir.path, jobID: "w")
        let journal = CheckpointJournal.path(checkpoint: path)
        var state = checkpoint(sheets: 300, workspace: dir.path)
        let first = CheckpointWriter(path: path)
        _ = await first.write(state)
        state.sheets[0].status = .completed
        _ = await first.write(state)
        #expect(FileManager.default.fileExists(atPath: journal))

        var recovered = try CheckpointStore.read(from: path)
        #expect(recovered.sheets[0].status == .completed)
        recovered.sheets[1].status = .completed
        let second = CheckpointWriter(path: path)
        _ = await second.write(recovered)
        #expect(!FileManager.default.fileExists(atPath: journal))
        let read = try CheckpointStore.read(from: path)
        #expect(read.sheets[0].status == .completed && read.sheets[1].status == .completed)
    }
}

/// Writes queued behind a slow one: a whole write that a later whole write holds is skipped.
struct CheckpointWriterSkipTests {
    @Test func aQueuedWriteMadeMootByALaterOneIsSkipped() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = CheckpointStore.path(workspace: dir.path, jobID: "w")
        let queue = DispatchQueue(label: "test.checkpoint")
        let writer = CheckpointWriter(path: path, queue: queue)
        var state = CheckpointWriterTests().checkpoint(sheets: 3, workspace: dir.path)
        queue.suspend()
        // Queued while the queue is held: the attempt's start, then its end.
        state.sheets[0].status = .running
        writer.enqueue(state, durable: false)
        state.sheets[0].status = .completed
        writer.enqueue(state, durable: false)
        // A durable write is never skipped for one that is not.
        state.sheets[1].status = .running
        writer.enqueue(state, durable: true)
        state.sheets[1].status = .completed
        writer.enqueue(state, durable: false)
        state.sheets[2].status = .completed
        state.status = .completed
        writer.enqueue(state, durable: true)
        queue.resume()
        // Everything queued has run once a block queued after it has.
        queue.sync {}
        #expect(writer.failure == nil)
        // Skipped: the first (by the second), the second (by the durable third), the fourth
        // (by the last, durable); the third and the last were written.
        #expect(writer.skippedWrites == 3)
        #expect(try CheckpointStore.read(from: path).sheets.map(\.status) == [.completed, .completed, .completed])
    }

    /// A write that has started is not skipped, and what a reader sees is always whole.
    @Test func writesInTurnAreAllMade() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = CheckpointStore.path(workspace: dir.path, jobID: "w")
        let writer = CheckpointWriter(path: path)
        var state = CheckpointWriterTests().checkpoint(sheets: 2, workspace: dir.path)
        for round in 0..<5 {
            state.sheets[0].attempts = round + 1
            writer.enqueue(state, durable: false)
            #expect(await writer.write(state, durable: false) == nil)
            #expect(try CheckpointStore.read(from: path).sheets[0].attempts == round + 1)
        }
    }
}
