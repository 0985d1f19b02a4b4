import Foundation
import MarianneProtocol
import Testing

/// The client's request encoder writes what Foundation's wire encoder writes, read back.
struct RequestEncoderTests {
    /// `value` encoded both ways reads back as the same JSON, and as the same value.
    func same<T: Codable & Equatable>(_ value: T) throws {
        let ours = try RequestEncoder.encode(value)
        let theirs = try JSONEncoder.wire.encode(value)
        #expect(try JSONDecoder.wire.decode(JSONValue.self, from: Data(ours)) == JSONDecoder.wire.decode(JSONValue.self, from: theirs))
        #expect(try JSONDecoder.wire.decode(T.self, from: Data(ours)) == value)
        #expect(!ours.contains(UInt8(ascii: "\n")))
    }

    @Test func paramsReadBackAsFoundationWritesThem() throws {
        try same(ListParams(status: [.running, .failed], name: "a\"b\\c/d", limit: 20, cursor: 7, all: true))
        try same(ListParams())
        try same(JobIDParams(jobID: "job-ü-😀"))
        try same(SubmitParams(
            configPath: "/w/s.yaml", configContent: "name: x\n\tprompt: \u{1}\u{1F}\r", workspace: nil, startSheet: 3, selfHealing: false,
            maxDuration: "1h", id: "x", baseDirectory: "/w", chainDepth: 0, replace: true,
            queue: QueueOptions(group: "g", label: "l", after: ["a", "b"], delay: "5m", command: "echo 'hi' > \"f\"")
        ))
        try same(WaitParams(jobID: "j", timeout: 2.5))
        try same(WaitParams(jobID: "j", timeout: 3))
    }

    @Test func nestedValuesDatesAndNumbers() throws {
        try same(JSONValue.object(["a": .array([.int(-3), .double(0.1), .double(1e300), .bool(true), .null, .string("é")]), "b": .object([:])]))
        struct Stamped: Codable, Equatable {
            var at: Date
            var counts: [String: Int]
            var nested: [[Double]]
            var small: Float
            var optional: Int?
        }
        try same(Stamped(at: Date(timeIntervalSince1970: 1_700_000_000.25), counts: ["x": 1, "y": -2], nested: [[1.5, -0.0], []], small: 0.1, optional: nil))
        #expect(throws: EncodingError.self) { try RequestEncoder.encode(WaitParams(jobID: "j", timeout: .nan)) }
    }

    @Test func aRequestEnvelopeIsOneLineOfJSON() throws {
        let line = try RequestEncoder.encode(RPCRequest(id: .int(1), method: "job.status", params: JobIDParams(jobID: "j")))
        #expect(String(decoding: line, as: UTF8.self) == #"{"jsonrpc":"2.0","id":1,"method":"job.status","params":{"job_id":"j"}}"#)
    }
}
