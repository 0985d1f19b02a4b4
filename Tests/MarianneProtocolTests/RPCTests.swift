import Foundation
import MarianneProtocol
import Testing

struct RPCTests {
    @Test func requestRoundTripKeepsIDAndMethod() throws {
        let request = RPCRequest(id: .int(7), method: RPCMethod.jobStatus, params: JobIDParams(jobID: "hello"))
        let data = try JSONEncoder().encode(request)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"job_id\":\"hello\""))
        let decoded = try JSONDecoder().decode(RPCRequest<JobIDParams>.self, from: data)
        #expect(decoded.id == .int(7))
        #expect(decoded.params == JobIDParams(jobID: "hello"))
    }

    @Test func stringIDsSurvive() throws {
        let data = Data(#"{"jsonrpc":"2.0","id":"abc","method":"conductor.health"}"#.utf8)
        let decoded = try JSONDecoder().decode(RPCRequest<Empty>.self, from: data)
        #expect(decoded.id == .string("abc"))
        #expect(decoded.params == nil)
    }

    @Test func terminalStatuses() {
        #expect(JobStatus.allCases.filter(\.isTerminal) == [.completed, .failed, .cancelled, .stopped])
    }

    @Test func jsonValueDecodesNestedValues() throws {
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"a":[1,2.5,"x",true,null]}"#.utf8))
        #expect(value["a"] == .array([.int(1), .double(2.5), .string("x"), .bool(true), .null]))
    }
}

struct SafeDurationTests {
    @Test func secondsOutOfRangeNeverTrap() {
        #expect(Duration.clampedSeconds(.nan) == .zero)
        #expect(Duration.clampedSeconds(-5) == .zero)
        #expect(Duration.clampedSeconds(1e308) == Duration.longestWait)
        #expect(Duration.clampedSeconds(.infinity) == Duration.longestWait)
        #expect(Duration.clampedSeconds(1.5) == .milliseconds(1500))
    }
}
