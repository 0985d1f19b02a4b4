import Foundation
import Logging
import Testing
@testable import MarianneConductor

struct LogSinkTests {
    @Test func aFullDiskDropsAndCountsLinesInsteadOfStoppingTheConductor() throws {
        // /dev/full answers every write with ENOSPC.
        let sink = LogSink(fd: open("/dev/full", O_WRONLY))
        var logger = Logger(label: "test") { JSONLogHandler(label: $0, sink: sink) }
        logger.logLevel = .info
        for index in 0..<3 { logger.info("line", metadata: ["n": "\(index)"]) }
        #expect(sink.dropped == 3)
    }

    @Test func linesAreAppendedAsJSON() throws {
        let path = NSTemporaryDirectory() + "mzt-log-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log"
        defer { unlink(path) }
        let sink = try #require(LogSink.open(path))
        let logger = Logger(label: "test") { JSONLogHandler(label: $0, sink: sink) }
        logger.warning("job paused", metadata: ["job": "j"])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"job\":\"j\""))
        #expect(text.contains("\"message\":\"job paused\""))
        #expect(sink.dropped == 0)
    }
}
