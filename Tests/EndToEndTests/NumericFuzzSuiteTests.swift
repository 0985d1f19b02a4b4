import Foundation
import MarianneClient
import MarianneCore
import MarianneProtocol
import MarianneTestSupport
import Testing

/// Hostile numbers everywhere a number is read: in score fields submitted to a real
/// conductor, in the CLI's flags, and in request params on the socket. The conductor stays
/// up, and every answer is a validation problem, a usage error or -32602, never a crash.
@Suite(.serialized)
struct NumericFuzzSuiteTests {
    static let numbers = [
        "-1", "0", "1e308", "-1e308", "1e400", "9223372036854775807", "-9223372036854775808", "18446744073709551616",
        "99999999999999999999", "0.000001", "1.5", ".inf", "-.inf", ".nan", "1e11", "4294967297", "-0",
    ]
    static let scoreFields: [String] = [
        "backend: {timeout: %}", "backend: {timeout_seconds: %}", "pause_between_sheets_seconds: %", "sheet: {size: %, total_items: 3}",
        "sheet: {size: 1, total_items: %}", "sheet: {size: 1, total_items: 3, start_item: %}", "sheet: {size: 1, total_items: 2, fan_out: {1: %}}",
        "retry: {max_retries: %}", "retry: {base_delay_seconds: %, max_retries: 1}", "retry: {max_delay_seconds: %}",
        "parallel: {enabled: true, max_concurrent: %}", "parallel: {stagger_delay_ms: %}",
        "validations: [{type: command_succeeds, command: 'true', timeout_seconds: %}]",
        "validations: [{type: file_exists, path: x, retry_count: %, retry_delay_ms: %}]",
        "movements: {1: {voices: %}}", "instrument_config: {timeout_seconds: %}", "max_duration: %",
        "prompt: {template: '{{ n + 1 }} {{ n | int }} {{ n * n }}', variables: {n: %}}",
        "cross_sheet: {auto_capture_stdout: true, max_output_chars: %, lookback_sheets: %}",
        "concert: {enabled: true, max_chain_depth: %}",
    ]

    @Test func hostileNumbersInScoresFlagsAndRequestsNeverCrashTheConductor() async throws {
        let rounds = Reliability.size(short: 60, full: 600)
        let fx = try await JobFixture()
        let pid = try #require(fx.conductor.pid)
        var generator = SystemRandomNumberGenerator()
        var outcomes: [String: Int] = [:]

        // Scores, over the socket (the template arithmetic runs in a sheet: it may fail the
        // sheet, never the conductor).
        for round in 0..<rounds {
            let field = Self.scoreFields.randomElement(using: &generator)!
            var line = field
            while let range = line.range(of: "%") { line.replaceSubrange(range, with: Self.numbers.randomElement(using: &generator)!) }
            let prompt = line.hasPrefix("prompt:") ? "" : "prompt: {template: 'true'}\n"
            // Shell sheets, as the fields were written for (a score without one plays claude-code).
            let shell = line.hasPrefix("backend: {") ? "" : "backend: {type: command}\n"
            if line.hasPrefix("backend: {") { line = "backend: {type: command, " + line.dropFirst("backend: {".count) }
            let yaml = "name: fuzz\(round)\nworkspace: ./fuzz-ws\n" + prompt + shell + line + "\n"
            do {
                _ = try await fx.conductor.client.call(RPCMethods.jobSubmit, SubmitParams(configContent: yaml, id: "fuzz\(round)", baseDirectory: fx.dir.path))
                outcomes["submitted", default: 0] += 1
            } catch ClientError.rpc(let error) {
                #expect([RPCErrorCode.invalidScore.rawValue, RPCErrorCode.invalidParams.rawValue].contains(error.code), "\(line): \(error)")
                outcomes["refused", default: 0] += 1
            }
        }
        // Request params on the socket, as raw lines.
        let requests = [
            #"{"jsonrpc":"2.0","id":1,"method":"job.wait","params":{"job_id":"fuzz0","timeout":%}}"#,
            #"{"jsonrpc":"2.0","id":1,"method":"job.logs","params":{"job_id":"fuzz0","tail":%,"since":%}}"#,
            #"{"jsonrpc":"2.0","id":1,"method":"job.list","params":{"limit":%,"cursor":%}}"#,
            #"{"jsonrpc":"2.0","id":1,"method":"job.submit","params":{"config_content":"name: q\nprompt: {template: x}\n","base_directory":"/tmp","start_sheet":%}}"#,
        ]
        let client = try RawClient(path: fx.conductor.socketPath)
        defer { client.close() }
        for _ in 0..<rounds {
            var line = requests.randomElement(using: &generator)!
            while let range = line.range(of: "%") {
                let number = Self.numbers.randomElement(using: &generator)!.replacingOccurrences(of: ".inf", with: "1e999").replacingOccurrences(of: ".nan", with: "\"NaN\"")
                line.replaceSubrange(range, with: number)
            }
            try client.send(line)
            let answer = try client.readLine(timeout: 30)
            let code = (try? JSONDecoder.wire.decode(RPCResponse<JSONValue>.self, from: Data(answer.utf8)))?.error?.code
            if let code { #expect([-32602, -32600, -32700, -32000, -32002, -32004, -32006].contains(code), "\(line) -> \(answer)") }
        }
        // A shutdown with a grace out of range is refused (and does not stop the conductor).
        for grace in ["-100", "1e308", "99999999999"] {
            try client.send(#"{"jsonrpc":"2.0","id":2,"method":"conductor.shutdown","params":{"grace_seconds":\#(grace)}}"#)
            #expect(try client.readLine(timeout: 30).contains("-32602"))
        }
        // Flags of the CLI.
        for _ in 0..<Reliability.size(short: 12, full: 120) {
            let number = Self.numbers.randomElement(using: &generator)!
            let command = [["wait", "fuzz0", "--timeout", number], ["logs", "fuzz0", "--tail", number], ["list", "--limit", number]].randomElement(using: &generator)!
            let result = try await fx.mzt(command)
            #expect(result.exitCode < 128, "\(command) exited \(result.exitCode): \(result.stderr)")
        }
        // Every job the fuzz submitted ends (template arithmetic on hostile numbers fails its
        // sheet, not the conductor); the conductor is the same process, answering.
        try await fx.conductor.waitUntil(timeout: 120) {
            let active = try await fx.conductor.client.call(RPCMethods.jobList, ListParams(status: [.pending, .running], all: true))
            return active.jobs.isEmpty
        }
        #expect(try await fx.mzt("conductor-status").exitCode == 0)
        #expect(fx.conductor.pid == pid)
        #expect(outcomes.values.reduce(0, +) == rounds)
    }
}

extension JobFixture {
    @discardableResult
    func mzt(_ arguments: [String]) async throws -> CommandResult {
        try await conductor.run(arguments)
    }
}
