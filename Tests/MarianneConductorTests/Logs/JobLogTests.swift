import Foundation
import Logging
import MarianneTestSupport
import Testing
@testable import MarianneConductor

/// A follower of a job's log gets every entry in number order, however many threads append
/// at once (a sheet's stdout and stderr readers do).
struct JobLogTests {
    @Test func concurrentAppendersReachAFollowerInOrder() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let log = JobLog(registry: try Registry(path: dir.file("registry.sqlite")), logger: Logger(label: "test"))
        let count = 4000
        let stream = log.hub.follow("job", capacity: count + 10)
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for i in 0..<(count / 4) { log.append("job", level: "INFO", message: "\(thread)-\(i)") }
        }
        log.hub.finish("job")
        var seqs: [Int] = []
        for await entry in stream { seqs.append(entry.seq) }
        #expect(seqs == Array(1...count))
        await log.flush()
    }

    /// Entries appended before a registry write are stored when it returns: the log's batch
    /// is queued on the registry's write queue as the first entry comes, ahead of the write.
    @Test func entriesAppendedBeforeAWriteAreStoredWhenItReturns() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let registry = try Registry(path: dir.file("registry.sqlite"))
        let log = JobLog(registry: registry, logger: Logger(label: "test"))
        let row = JobRow(
            id: "j", kind: "score", name: "j", status: "pending", workspace: "/ws/j", configPath: nil, checkpointPath: nil, pid: nil,
            createdAt: 0, startedAt: nil, finishedAt: nil, error: nil, currentSheet: nil, completedSheets: 0, totalSheets: 1, seq: 0,
            configSnapshot: "name: j"
        )
        _ = try await registry.insert(row)
        log.begin("j", lastSeq: 0)
        for round in 1...50 {
            log.append("j", level: "INFO", message: "before \(round)")
            _ = try await registry.transition("j", from: [.pending, .running], to: round.isMultiple(of: 2) ? .pending : .running)
            #expect(try await registry.lastLogSeq("j") == round)
        }
        await log.flush()
    }
}
