import Foundation
import MarianneProtocol
import Testing

/// The conductor's answers are written by `RequestEncoder` with sorted keys: byte for byte
/// what `JSONEncoder.wire` writes of them.
struct SortedWireEncodingTests {
    func same<T: Codable & Sendable>(_ result: T, _ note: String = "") throws {
        let response = RPCResponse(id: .int(7), result: result)
        let ours = try RequestEncoder.encode(response, sortedKeys: true)
        let theirs = Array(try JSONEncoder.wire.encode(response))
        #expect(ours == theirs, "\(note)\n\(String(decoding: ours, as: UTF8.self))\n\(String(decoding: theirs, as: UTF8.self))")
    }

    /// Strings that escaping and key order could get wrong.
    static let texts = [
        "", "plain", "é \"q\" \\ /slash/", "tab\tnew\nline\r", "\u{0}\u{1}\u{1F}\u{7F}", "😀 and \u{FFFF}", "\u{2028}\u{2029}", "Z", "a", "aa", "B",
    ]

    static func summary(_ random: inout SystemRandomNumberGenerator, _ n: Int) -> JobSummary {
        func maybe<T>(_ value: T) -> T? { Bool.random(using: &random) ? value : nil }
        func text() -> String { texts.randomElement(using: &random)! + (Bool.random(using: &random) ? "\(n)" : "") }
        func date() -> Date { Date(timeIntervalSince1970: Double.random(in: 0...2_000_000_000, using: &random)) }
        return JobSummary(
            jobID: "job-\(n)", kind: Bool.random(using: &random) ? "score" : "module", name: text(),
            status: JobStatus.allCases.randomElement(using: &random)!, workspace: "/ws/\(text())", configPath: maybe(text()),
            checkpointPath: maybe(text()), pid: maybe(Int32.random(in: Int32.min...Int32.max, using: &random)), createdAt: date(),
            startedAt: maybe(date()), finishedAt: maybe(date()), error: maybe(text()), currentSheet: maybe(Int.random(in: 0...10_000, using: &random)),
            completedSheets: Int.random(in: 0...10_000, using: &random), totalSheets: Int.random(in: 0...10_000, using: &random),
            queuePosition: maybe(Int.random(in: 1...100, using: &random)),
            runningSeconds: maybe([0, 1, 0.1, 1e-7, 1e15, 123.456789, Double.random(in: 0...1e6, using: &random)].randomElement(using: &random)!),
            group: maybe(text()), label: maybe(text()), command: maybe(text()), after: maybe((0..<Int.random(in: 0...3, using: &random)).map { _ in text() }),
            notBefore: maybe(date())
        )
    }

    @Test func listingsOfRandomJobsAreWrittenAsFoundationWritesThem() throws {
        var random = SystemRandomNumberGenerator()
        for round in 0..<200 {
            let jobs = (0..<Int.random(in: 0...5, using: &random)).map { Self.summary(&random, round * 10 + $0) }
            try same(ListResult(jobs: jobs, nextCursor: Bool.random(using: &random) ? round : nil), "round \(round)")
        }
    }

    @Test func freeFormValuesSortTheirKeysAsFoundationDoes() throws {
        let keys = Self.texts + ["_", "-", "0", "10", "9", "A", "ä", "z", "\u{10FFFF}"]
        var object: [String: JSONValue] = [:]
        for (i, key) in keys.enumerated() {
            object[key] = i.isMultiple(of: 2) ? .int(i) : .object([key: .string(key), "nested": .array([.double(0.5), .null, .bool(true)])])
        }
        try same(JSONValue.object(object))
        try same(["b": 2, "a": 1, "é": 3, "B": 4])
        try same(HealthResult(status: "ok", pid: 12, uptimeSeconds: 0.000123, version: "0.1.0", protocolVersion: 1))
    }

    /// Every ASCII byte, alone and between runs of plain text, and keys that share prefixes.
    @Test func everyByteIsEscapedAsFoundationEscapesIt() throws {
        for scalar in (0...0x7F).compactMap(Unicode.Scalar.init) + ["é", "\u{2028}", "😀"] {
            let one = String(Character(scalar))
            for text in [one, "run " + one, one + " run", "a" + one + one + "b"] {
                #expect(try RequestEncoder.encode(text, sortedKeys: true) == Array(JSONEncoder.wire.encode(text)), "\(scalar.value)")
            }
        }
        try same(["ab": 1, "a": 2, "abc": 3, "": 4, "b": 5, "aB": 6, "a\u{0}": 7])
    }

    @Test func errorsAreWrittenAsFoundationWritesThem() throws {
        var response = RPCResponse<Empty>(id: .string("x"), result: Empty())
        response.result = nil
        response.error = RPCError(code: -32000, message: "no job \"nosuch\"; see `mzt list --all`", data: .object(["problems": .array([.string("é")])]))
        #expect(try RequestEncoder.encode(response, sortedKeys: true) == Array(JSONEncoder.wire.encode(response)))
    }
}
