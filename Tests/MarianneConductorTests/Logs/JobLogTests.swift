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
}
