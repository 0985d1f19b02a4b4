import Foundation
import MarianneCore
import Testing

/// Reading an instrument's output (result, error, tokens) and classifying its failures.
struct InstrumentOutputTests {
    func spec(_ name: String) throws -> CLIOutputSpec { try #require(BuiltinInstruments.named(name)?.cli?.output) }
    func classifier(_ name: String) throws -> InstrumentErrorClassifier { InstrumentErrorClassifier(try #require(BuiltinInstruments.named(name)?.cli?.errors)) }

    @Test func claudesJSONGivesTheResultAndTokens() throws {
        let stdout = #"{"type":"result","is_error":false,"result":"All done.","usage":{"input_tokens":1200,"output_tokens":300}}"# + "\n"
        let output = InstrumentOutput.parse(try spec("claude-code"), stdout: stdout, succeeded: true)
        #expect(output.result == "All done." && output.structured)
        #expect(output.inputTokens == 1200 && output.outputTokens == 300)
        #expect(try classifier("claude-code").classify(exitCode: 0, stdout: stdout, stderr: "", output: output) == nil)
    }

    @Test func wildcardTokenPathsAreSummedAcrossModels() throws {
        let stdout = """
            {"response": "ok", "stats": {"models": {"gemini-2.5-pro": {"tokens": {"prompt": 1100, "candidates": 290}},
             "gemini-2.5-flash-lite": {"tokens": {"prompt": 100, "candidates": 10}}}}}
            """
        let output = InstrumentOutput.parse(try spec("gemini-cli"), stdout: stdout, succeeded: true)
        #expect(output.result == "ok")
        #expect(output.inputTokens == 1200 && output.outputTokens == 300)
        var single = try spec("gemini-cli")
        single.aggregateTokens = false
        #expect(InstrumentOutput.parse(single, stdout: stdout, succeeded: true).inputTokens == 100, "first match, keys in order")
    }

    @Test func jsonLinesFindTheCompletionEvent() throws {
        let codex = """
            {"type":"thread.started"}
            {"type":"item.completed","item":{"type":"reasoning","text":"thinking"}}
            {"type":"item.completed","item":{"type":"agent_message","text":"first"}}
            {"type":"item.completed","item":{"type":"agent_message","text":"Final answer."}}
            {"type":"turn.completed","usage":{"input_tokens":50,"output_tokens":7}}
            """
        let output = InstrumentOutput.parse(try spec("codex-cli"), stdout: codex, succeeded: true)
        #expect(output.result == "Final answer." && output.structured)
        #expect(output.inputTokens == 50 && output.outputTokens == 7)
        let opencode = """
            {"type":"text","part":{"text":"looking"}}
            {"type":"step_finish","part":{"tokens":{"input":600,"output":150}}}
            {"type":"text","part":{"text":"done"}}
            {"type":"step_finish","part":{"tokens":{"input":600,"output":150}}}
            """
        let steps = InstrumentOutput.parse(try spec("opencode"), stdout: opencode, succeeded: true)
        #expect(steps.result == "done" && steps.inputTokens == 1200 && steps.outputTokens == 300)
        let cline = #"{"type":"say","say":"text","text":"working"}"# + "\n" + #"{"type":"say","say":"completion_result","text":"Task done"}"#
        #expect(InstrumentOutput.parse(try spec("cline-cli"), stdout: cline, succeeded: true).result == "Task done")
    }

    @Test func paths() {
        let value: JSONValue = .object(["a": .object(["b": .array([.int(1), .int(2)])]), "m": .object(["x": .object(["n": .int(3)]), "y": .object(["n": .int(4)])])])
        #expect(JSONPath.first("a.b[1]", in: value) == .int(2))
        #expect(JSONPath.first("a.b[5]", in: value) == nil)
        #expect(JSONPath.all("m.*.n", in: value) == [.int(3), .int(4)])
        #expect(JSONPath.first("m.*", in: value) == .object(["n": .int(3)]))
        #expect(JSONPath.problem("a..b") != nil && JSONPath.problem("a.b") == nil)
        #expect(JSONPath.count(.double(12.0)) == 12 && JSONPath.count(.int(-1)) == nil && JSONPath.count(.double(.infinity)) == nil)
    }

    @Test func aRateLimitOnStdoutIsOneEvenWithExitZero() throws {
        let text = "You've hit your limit · resets 5pm (Europe/Paris)\n"
        let output = InstrumentOutput.parse(try spec("claude-code"), stdout: text, succeeded: true)
        #expect(!output.structured)
        #expect(try classifier("claude-code").classify(exitCode: 0, stdout: text, stderr: "", output: output)?.kind == .rateLimit)
        let failed = InstrumentOutput.parse(try spec("claude-code"), stdout: text, succeeded: false)
        let found = try classifier("claude-code").classify(exitCode: 1, stdout: text, stderr: "", output: failed)
        #expect(found?.kind == .rateLimit && found?.evidence == "You've hit your limit · resets 5pm (Europe/Paris)")
    }

    @Test func aValidAnswerOnExitZeroIsNeverAFailure() throws {
        let stdout = #"{"response": "I added rate limiting and fixed the 429 handling."}"#
        let output = InstrumentOutput.parse(try spec("gemini-cli"), stdout: stdout, succeeded: true)
        let stderr = "Attempt 1 failed with status 429. Retrying with backoff...\n"
        #expect(try classifier("gemini-cli").classify(exitCode: 0, stdout: stdout, stderr: stderr, output: output) == nil)
    }

    @Test func authOverloadAndPlainFailuresAreTold() throws {
        let claude = try classifier("claude-code")
        func kind(_ stdout: String, _ stderr: String = "", exit: Int32? = 1) throws -> InstrumentFailureKind? {
            claude.classify(exitCode: exit, stdout: stdout, stderr: stderr, output: InstrumentOutput.parse(try spec("claude-code"), stdout: stdout, succeeded: exit == 0))?.kind
        }
        #expect(try kind("Invalid API key · Please run /login") == .auth)
        #expect(try kind(#"API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#) == .capacity)
        #expect(try kind("Error: something broke") == .failed)
        #expect(try kind("", exit: nil) == .crash)
        let gemini = try classifier("gemini-cli")
        let error = #"{"error": {"type": "ApiError", "message": "[429 Too Many Requests] RESOURCE_EXHAUSTED", "code": 429}}"#
        let parsed = InstrumentOutput.parse(try spec("gemini-cli"), stdout: error, succeeded: false)
        #expect(parsed.errorMessage == "[429 Too Many Requests] RESOURCE_EXHAUSTED")
        #expect(gemini.classify(exitCode: 1, stdout: error, stderr: "", output: parsed)?.kind == .rateLimit)
        let scoreOwn = InstrumentErrorClassifier(CLIErrorSpec(), extraRateLimitPatterns: ["slow down"])
        #expect(scoreOwn.classify(exitCode: 2, stdout: "", stderr: "Please SLOW DOWN", output: InstrumentOutput(result: ""))?.kind == .rateLimit)
    }
}
