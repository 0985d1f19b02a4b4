import Foundation
import Testing

@testable import MarianneConductor

/// The conductor log's lines are JSON objects any reader parses back to what was logged.
struct JSONLogHandlerTests {
    @Test func aLineParsesBackToTheSameFields() throws {
        let fields = [
            "message": "sheet 1: \"quoted\" \\ back\nnew line\ttab \u{1} control, path /a/b, é ✓",
            "job": "j-1", "time": "2026-12-02T01:00:00Z", "level": "info", "": "empty key",
        ]
        let data = JSONLogHandler.line(fields)
        #expect(data.last == UInt8(ascii: "\n"))
        #expect(data.dropLast().contains(UInt8(ascii: "\n")) == false)
        let parsed = try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
        #expect(parsed == fields)
        let text = String(decoding: data, as: UTF8.self)
        // Keys sorted, slashes and non-ASCII text written as they are.
        #expect(text.hasPrefix(#"{"":"empty key","job":"j-1","level":"info","message":"#))
        #expect(text.contains("/a/b, é ✓"))
        #expect(text.contains(#"\u0001"#))
    }
}
