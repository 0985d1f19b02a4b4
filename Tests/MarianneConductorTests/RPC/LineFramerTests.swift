import Foundation
import NIOCore
import NIOEmbedded
import Testing
@testable import MarianneConductor

struct LineFramerTests {
    /// Feeds `chunks` through the framer and returns what it produced.
    func frames(_ chunks: [String], maxLength: Int = 16, close: Bool = false) throws -> [String] {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFramer(maxLength: maxLength)))
        for chunk in chunks {
            try channel.writeInbound(channel.allocator.buffer(string: chunk))
        }
        if close { _ = try? channel.finish() }
        var out: [String] = []
        while let frame = try channel.readInbound(as: Frame.self) {
            switch frame {
            case .line(let buffer): out.append(String(buffer: buffer))
            case .oversized: out.append("<oversized>")
            }
        }
        return out
    }

    @Test func splitsOnNewlinesAcrossReads() throws {
        #expect(try frames(["{\"a\"", ":1}\n{\"b\":2}\n{"]) == ["{\"a\":1}", "{\"b\":2}"])
    }

    @Test func dropsTheCarriageReturnOfCRLF() throws {
        #expect(try frames(["one\r\ntwo\n"]) == ["one", "two"])
    }

    @Test func anOversizedLineIsReportedOnceAndSkippedToItsNewline() throws {
        let long = String(repeating: "x", count: 40)
        #expect(try frames([long, long, "\nshort\n"]) == ["<oversized>", "short"])
    }

    @Test func anOversizedLineWithItsNewlineInOneReadIsReportedOnce() throws {
        #expect(try frames([String(repeating: "y", count: 20) + "\nok\n"]) == ["<oversized>", "ok"])
    }

    @Test func aLastLineWithoutNewlineIsStillAnswered() throws {
        #expect(try frames(["first\nlast"], close: true) == ["first", "last"])
    }
}
