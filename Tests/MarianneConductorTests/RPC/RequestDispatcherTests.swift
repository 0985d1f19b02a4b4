import Foundation
import Logging
import MarianneProtocol
import NIOCore
import Testing
@testable import MarianneConductor

struct RequestDispatcherTests {
    struct NullWriter: LineWriter {
        func write(line: [UInt8]) async throws {}
    }

    func dispatcher() -> RequestDispatcher {
        let table = MethodTable()
        table.register(RPCMethods.jobWait) { params, _ in
            WaitResult(job: JobSummary(jobID: params.jobID, kind: "score", name: params.jobID, status: .completed, workspace: "/w", createdAt: Date(timeIntervalSince1970: 0), completedSheets: 1, totalSheets: 1), timedOut: false)
        }
        table.register(RPCMethods.jobStatus) { params, _ -> JobStatusResult in
            throw JobError.notFound(params.jobID)
        }
        table.register(RPCMethods.jobCancel) { _, _ -> JobActionResult in
            throw JobError.invalidState("j", .completed, operation: .cancel)
        }
        return RequestDispatcher(methods: table, logger: Logger(label: "test"))
    }

    /// The answer to one line, decoded; nil when there is none.
    func answer(_ line: String) async throws -> [String: JSONValue]? {
        let buffer = ByteBufferAllocator().buffer(string: line)
        guard let bytes = await dispatcher().answer(.line(buffer), context: RequestContext(peer: nil, writer: NullWriter())) else { return nil }
        return try JSONDecoder.wire.decode([String: JSONValue].self, from: Data(bytes))
    }

    func errorCode(_ line: String) async throws -> Int? {
        try await answer(line)?["error"]?["code"]?.intValue
    }

    @Test func aLineThatIsNotJSONIsAParseError() async throws {
        #expect(try await errorCode("{not json") == -32700)
    }

    @Test func theEnvelopeIsChecked() async throws {
        #expect(try await errorCode(#"{"id":1,"method":"job.wait"}"#) == -32600)
        #expect(try await errorCode(#"{"jsonrpc":"2.0","id":1}"#) == -32600)
        #expect(try await errorCode(#"[1,2]"#) == -32600)
    }

    @Test func anUnknownMethodIsNamed() async throws {
        let reply = try await answer(#"{"jsonrpc":"2.0","id":7,"method":"job.nosuch"}"#)
        #expect(reply?["error"]?["code"]?.intValue == -32601)
        #expect(reply?["error"]?["message"]?.stringValue?.contains("job.nosuch") == true)
        #expect(reply?["id"]?.intValue == 7)
    }

    @Test func aNotificationGetsNoReplyEvenWhenItFails() async throws {
        #expect(try await answer(#"{"jsonrpc":"2.0","method":"job.nosuch"}"#) == nil)
        #expect(try await answer(#"{"jsonrpc":"2.0","method":"job.wait","params":{"job_id":"a"}}"#) == nil)
    }

    @Test func badParamsNameTheField() async throws {
        let reply = try await answer(#"{"jsonrpc":"2.0","id":1,"method":"job.wait","params":{"job_id":5}}"#)
        #expect(reply?["error"]?["code"]?.intValue == -32602)
        #expect(reply?["error"]?["message"]?.stringValue?.contains("job_id") == true)
    }

    @Test(arguments: ["-1", "1e12", "99999999999"])
    func numbersOutOfRangeAreRefusedWithTheLimit(_ timeout: String) async throws {
        let reply = try await answer(#"{"jsonrpc":"2.0","id":1,"method":"job.wait","params":{"job_id":"a","timeout":\#(timeout)}}"#)
        #expect(reply?["error"]?["code"]?.intValue == -32602)
        #expect(reply?["error"]?["message"]?.stringValue?.contains("timeout must be between 0 and") == true)
    }

    @Test func aNumberJSONCannotHoldIsInvalidParamsToo() async throws {
        #expect(try await errorCode(#"{"jsonrpc":"2.0","id":1,"method":"job.wait","params":{"job_id":"a","timeout":1e999}}"#) != nil)
    }

    @Test func jobErrorsBecomeTheirWireCodesWithHints() async throws {
        let missing = try await answer(#"{"jsonrpc":"2.0","id":1,"method":"job.status","params":{"job_id":"ghost"}}"#)
        #expect(missing?["error"]?["code"]?.intValue == RPCErrorCode.jobNotFound.rawValue)
        #expect(missing?["error"]?["message"]?.stringValue?.contains("mzt list --all") == true)
        #expect(try await errorCode(#"{"jsonrpc":"2.0","id":1,"method":"job.cancel","params":{"job_id":"j"}}"#) == RPCErrorCode.invalidState.rawValue)
    }

    @Test func anOversizedFrameIsAnsweredWithoutAnID() async throws {
        let bytes = await dispatcher().answer(.oversized, context: RequestContext(peer: nil, writer: NullWriter()))
        let reply = try JSONDecoder.wire.decode([String: JSONValue].self, from: Data(try #require(bytes)))
        #expect(reply["error"]?["code"]?.intValue == -32600)
        #expect(reply["id"] == .null || reply["id"] == nil)
    }
}
