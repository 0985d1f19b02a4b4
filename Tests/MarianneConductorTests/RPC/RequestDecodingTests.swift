import Foundation
import MarianneProtocol
import Testing
@testable import MarianneConductor

/// The conductor reads requests with the client's decoder: every line gives the value
/// Foundation's wire decoder gives, or the same refusal in the words a client sees; where
/// Foundation only says the text is not valid JSON, ours says where, or which field.
struct RequestDecodingTests {
    enum Outcome: Equatable {
        case value(String)
        case refused(String)
    }

    func outcome<P: Codable & Sendable>(_ type: P.Type, _ bytes: [UInt8], _ decode: ([UInt8]) throws -> RPCRequest<P>) -> Outcome {
        do {
            let request = try decode(bytes)
            return .value(String(decoding: try JSONEncoder.wire.encode(request), as: UTF8.self))
        } catch let error as DecodingError {
            return .refused(RequestDispatcher.describe(error))
        } catch {
            return .refused("\(error)")
        }
    }

    func same<P: Codable & Sendable>(_ type: P.Type, _ line: String) {
        same(type, Array(line.utf8), line)
    }

    func same<P: Codable & Sendable>(_ type: P.Type, _ bytes: [UInt8], _ note: String) {
        let ours = outcome(type, bytes) { try ResponseDecoder.decode(RPCRequest<P>.self, from: $0) }
        let theirs = outcome(type, bytes) { try JSONDecoder.wire.decode(RPCRequest<P>.self, from: Data($0)) }
        switch (ours, theirs) {
        case (.refused(let mine), .refused(let foundation)) where foundation.hasPrefix("params: The given data was not valid JSON"):
            // Foundation says only that; ours says where and what (a number that does not fit
            // names its field).
            #expect(mine.hasPrefix("params: The given data was not valid JSON: ") || !mine.hasPrefix("params"), "\(note): \(mine)")
        default:
            #expect(ours == theirs, "\(note)")
        }
    }

    static func request(_ params: String) -> String { #"{"jsonrpc":"2.0","id":1,"method":"m","params":"# + params + "}" }

    @Test func waitParams() {
        for params in [
            #"{"job_id":"a"}"#, #"{"job_id":"a","timeout":2.5}"#, #"{"job_id":"a","timeout":3}"#, #"{"job_id":"a","timeout":-0}"#,
            #"{"job_id":"a","timeout":1e999}"#, #"{"job_id":"a","timeout":"5"}"#, #"{"job_id":5}"#, #"{"job_id":null}"#, #"{}"#,
            #"{"job_id":"a","timeout":null}"#, #"{"job_id":"a","job_id":"b"}"#, #"{"job_id":"\u00e9\ud83d\ude00"}"#, #"{"job_id":"a",}"#,
            #"{"job_id":"a","extra":[1,{"x":null}]}"#, #"[]"#, #"null"#, #""s""#, #"{"job_id":["a"]}"#, #"{"job_id":"a","timeout":01}"#,
            #"{"job_id":"a","timeout":1.}"#, #"{"job_id":"a","timeout":99999999999999999999999}"#, #"{"job_id":"\x"}"#,
        ] {
            same(WaitParams.self, Self.request(params))
        }
    }

    @Test func submitAndListParams() {
        for params in [
            #"{"config_path":"/s.yaml","start_sheet":3,"self_healing":true,"replace":false,"queue":{"after":["a","b"],"group":"g"}}"#,
            #"{"config_path":"/s.yaml","start_sheet":3.0}"#, #"{"config_path":"/s.yaml","start_sheet":3.5}"#,
            #"{"config_path":"/s.yaml","start_sheet":9223372036854775808}"#, #"{"config_path":"/s.yaml","start_sheet":-9223372036854775808}"#,
            #"{"config_path":"/s.yaml","self_healing":1}"#, #"{"config_path":"/s.yaml","queue":{"after":"a"}}"#,
            #"{"config_path":"/s.yaml","queue":{"after":[1]}}"#, #"{"config_content":"name: x\n\u0000"}"#,
        ] {
            same(SubmitParams.self, Self.request(params))
        }
        for params in [
            #"{"status":["running","failed"],"limit":20,"cursor":7,"all":true}"#, #"{"status":["nosuch"]}"#, #"{"status":"running"}"#,
            #"{"limit":1e3}"#, #"{"limit":-5}"#, #"{"name":"x","all":null}"#,
        ] {
            same(ListParams.self, Self.request(params))
        }
    }

    @Test func envelopesAndBrokenLines() {
        for line in [
            #"{"jsonrpc":"2.0","id":"x","method":"m"}"#, #"{"jsonrpc":"2.0","id":null,"method":"m","params":{"job_id":"a"}}"#,
            #"{"jsonrpc":"2.0","id":1.5,"method":"m","params":{"job_id":"a"}}"#, #"{"jsonrpc":2,"method":"m"}"#, #"{"method":5}"#,
            "{not json", "", " ", #"{"jsonrpc":"2.0","id":1,"method":"m","params":{"job_id":"a"}} trailing"#,
            String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
        ] {
            same(WaitParams.self, line)
            same(JobIDParams.self, line)
        }
        same(WaitParams.self, Array(#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"job_id":""#.utf8) + [0xFF, 0xFE] + Array(#""}}"#.utf8), "invalid UTF-8")
    }
}
