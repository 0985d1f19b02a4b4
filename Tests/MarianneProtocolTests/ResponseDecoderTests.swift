import Foundation
import Testing
@testable import MarianneProtocol

/// The client's answer decoder reads what Foundation's wire decoder reads, the same way.
struct ResponseDecoderTests {
    /// `line` decoded both ways gives the same value (compared by its encoding), or both fail.
    func same<T: Codable>(_ type: T.Type, _ line: String) throws {
        let ours = Result { try ResponseDecoder.decode(T.self, from: Array(line.utf8)) }
        let theirs = Result { try JSONDecoder.wire.decode(T.self, from: Data(line.utf8)) }
        switch (ours, theirs) {
        case (.success(let mine), .success(let foundation)):
            #expect(try JSONEncoder.wire.encode(mine) == JSONEncoder.wire.encode(foundation), "\(line)")
        case (.failure, .failure): break
        default: Issue.record("one decoder failed and the other did not: \(line): \(ours) vs \(theirs)")
        }
    }

    /// Answers a conductor gave (jobs completed and failed, a refusal, logs, a score's text).
    @Test func conductorAnswersDecodeAsFoundationDecodesThem() throws {
        try same(RPCResponse<HealthResult>.self, ##"{"id":1,"jsonrpc":"2.0","result":{"pid":12400,"protocol_version":1,"status":"ok","uptime_seconds":2138.8971539735794,"version":"0.1.0"}}"##)
        try same(RPCResponse<ConductorStatusResult>.self, ##"{"id":1,"jsonrpc":"2.0","result":{"home":"/tmp/h1","jobs_by_status":{"completed":1,"failed":1},"max_concurrent_jobs":4,"modules":[],"pid":12400,"recovered_jobs":0,"rss_bytes":36392960,"running_jobs":[],"slurm":{"cluster_answers":false,"followed_jobs":0,"message":"sbatch is not on the conductor's PATH: sheets with executor slurm fail at submission (install Slurm's client commands, or use executor: local)"},"uptime":"35m 39s","uptime_seconds":2138.8981697559357,"version":"0.1.0"}}"##)
        try same(RPCResponse<ListResult>.self, ##"{"id":1,"jsonrpc":"2.0","result":{"jobs":[{"checkpoint_path":"/tmp/sc/ws-one/.marianne/checkpoint-one.json","completed_sheets":1,"config_path":"/tmp/sc/one.yaml","created_at":"2026-12-02T19:43:40.449Z","finished_at":"2026-12-02T19:43:40.474Z","job_id":"one","kind":"score","name":"one","running_seconds":0.024493778,"started_at":"2026-12-02T19:43:40.450Z","status":"completed","total_sheets":1,"workspace":"/tmp/sc/ws-one"},{"checkpoint_path":"/tmp/sc/ws-three/.marianne/checkpoint-three.json","completed_sheets":2,"config_path":"/tmp/sc/three.yaml","created_at":"2026-12-02T19:43:40.414Z","error":"sheet 3 failed: exit code 1","finished_at":"2026-12-02T19:43:40.439Z","job_id":"three","kind":"score","name":"three","running_seconds":0.021092899,"started_at":"2026-12-02T19:43:40.418Z","status":"failed","total_sheets":3,"workspace":"/tmp/sc/ws-three"}]}}"##)
        try same(RPCResponse<JobStatusResult>.self, ##"{"id":1,"jsonrpc":"2.0","result":{"elapsed_seconds":0.020610773,"job":{"checkpoint_path":"/tmp/sc/ws-three/.marianne/checkpoint-three.json","completed_sheets":2,"config_path":"/tmp/sc/three.yaml","created_at":"2026-12-02T19:43:40.414Z","error":"sheet 3 failed: exit code 1","finished_at":"2026-12-02T19:43:40.439Z","job_id":"three","kind":"score","name":"three","running_seconds":0.021092899,"started_at":"2026-12-02T19:43:40.418Z","status":"failed","total_sheets":3,"workspace":"/tmp/sc/ws-three"},"sheets":[{"attempts":1,"attempts_log":[{"attempt":1,"cost_usd":0,"duration_seconds":0.009115842,"input_tokens":0,"instrument":"cli","outcome":"completed","output_tokens":0}],"dependencies":[],"exit_code":0,"finished_at":"2026-12-02T19:43:40.428Z","instrument":"cli","number":1,"output":"sheet 1 é \"q\"\n","started_at":"2026-12-02T19:43:40.418Z","status":"completed"},{"attempts":1,"attempts_log":[{"attempt":1,"cost_usd":0,"duration_seconds":0.002067946,"input_tokens":0,"instrument":"cli","outcome":"completed","output_tokens":0}],"dependencies":[1],"exit_code":0,"finished_at":"2026-12-02T19:43:40.433Z","instrument":"cli","number":2,"output":"sheet 2 é \"q\"\n","started_at":"2026-12-02T19:43:40.430Z","status":"completed"},{"attempts":1,"attempts_log":[{"attempt":1,"cost_usd":0,"duration_seconds":0.002481648,"input_tokens":0,"instrument":"cli","outcome":"failed","output_tokens":0}],"dependencies":[2],"error":"exit code 1","exit_code":1,"finished_at":"2026-12-02T19:43:40.437Z","instrument":"cli","number":3,"output":"sheet 3 é \"q\"\n","started_at":"2026-12-02T19:43:40.434Z","status":"failed"}]}}"##)
        try same(RPCResponse<JobStatusResult>.self, ##"{"id":1,"jsonrpc":"2.0","result":{"elapsed_seconds":0.023409319,"job":{"checkpoint_path":"/tmp/sc/ws-one/.marianne/checkpoint-one.json","completed_sheets":1,"config_path":"/tmp/sc/one.yaml","created_at":"2026-12-02T19:43:40.449Z","finished_at":"2026-12-02T19:43:40.474Z","job_id":"one","kind":"score","name":"one","running_seconds":0.024493778,"started_at":"2026-12-02T19:43:40.450Z","status":"completed","total_sheets":1,"workspace":"/tmp/sc/ws-one"},"sheets":[{"attempts":1,"attempts_log":[{"attempt":1,"cost_usd":0,"duration_seconds":0.02056362,"input_tokens":0,"instrument":"cli","outcome":"completed","output_tokens":0}],"dependencies":[],"exit_code":0,"finished_at":"2026-12-02T19:43:40.473Z","instrument":"cli","number":1,"started_at":"2026-12-02T19:43:40.451Z","status":"completed"}]}}"##)
        try same(RPCResponse<JobStatusResult>.self, ##"{"error":{"code":-32000,"message":"no job \"nosuch\"; see `mzt list --all` for the known jobs"},"id":1,"jsonrpc":"2.0"}"##)
        try same(RPCResponse<LogsResult>.self, ##"{"id":1,"jsonrpc":"2.0","result":{"entries":[{"level":"INFO","message":"job queued (3 sheets)","seq":1,"timestamp":"2026-12-02T19:43:40.416Z"},{"level":"INFO","message":"job started","seq":2,"timestamp":"2026-12-02T19:43:40.418Z"},{"level":"INFO","message":"sheet 1 started (attempt 1)","seq":3,"timestamp":"2026-12-02T19:43:40.419Z"},{"level":"INFO","message":"sheet 1 completed (attempt 1, exit code 0)","seq":4,"timestamp":"2026-12-02T19:43:40.431Z"},{"level":"INFO","message":"sheet 2 started (attempt 1)","seq":5,"timestamp":"2026-12-02T19:43:40.431Z"},{"level":"INFO","message":"sheet 2 completed (attempt 1, exit code 0)","seq":6,"timestamp":"2026-12-02T19:43:40.434Z"},{"level":"INFO","message":"sheet 3 started (attempt 1)","seq":7,"timestamp":"2026-12-02T19:43:40.434Z"},{"level":"WARNING","message":"sheet 3 attempt 1 failed: exit code 1","seq":8,"timestamp":"2026-12-02T19:43:40.437Z"},{"level":"ERROR","message":"sheet 3 failed after 1 attempt(s): exit code 1","seq":9,"timestamp":"2026-12-02T19:43:40.438Z"},{"level":"ERROR","message":"job failed: sheet 3 failed: exit code 1","seq":10,"timestamp":"2026-12-02T19:43:40.439Z"}],"error":"sheet 3 failed: exit code 1","job_id":"three","last_seq":10,"status":"failed"}}"##)
        try same(RPCResponse<ResultsResult>.self, ##"{"id":1,"jsonrpc":"2.0","result":{"job_id":"three","results":[]}}"##)
        try same(RPCResponse<JobConfigResult>.self, ##"{"id":1,"jsonrpc":"2.0","result":{"config":"name: three\nworkspace: /tmp/sc/ws-three\nsheet:\n  size: 1\n  total_items: 3\nbackend:\n  type: command\nprompt:\n  template: \"echo \\\"sheet {{ sheet_num }} é \\\\\\\"q\\\\\\\"\\\"; test {{ sheet_num }} -ne 3\"\nretry:\n  max_retries: 0\n","config_path":"/tmp/sc/three.yaml","job_id":"three","kind":"score","status":"failed"}}"##)
        try same(RPCResponse<GroupListResult>.self, ##"{"id":1,"jsonrpc":"2.0","result":{"groups":[{"name":"default","parallel":4,"pending":0,"running":0}]}}"##)
        try same(RPCResponse<ProcessHealth>.self, ##"{"id":1,"jsonrpc":"2.0","result":{"is_alive":false,"is_zombie":false,"process_exists":false}}"##)
    }

    @Test func stringsWithEveryEscape() throws {
        let line = #"["a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00", "plain é 😀", ""]"#
        let decoded = try ResponseDecoder.decode([String].self, from: Array(line.utf8))
        #expect(decoded == ["a\"b\\c/d\u{8}\u{c}\n\r\té😀", "plain é 😀", ""])
        #expect(decoded == (try JSONDecoder.wire.decode([String].self, from: Data(line.utf8))))
    }

    @Test func numbersAsFoundationReadsThem() throws {
        for text in ["0", "-0", "7", "1e2", "1E+2", "3.0", "3.5", "-1.5e-3", "0.1", "1e400", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "255", "256", "-1"] {
            try same(Int.self, text)
            try same(Int64.self, text)
            try same(UInt8.self, text)
            try same(Double.self, text)
            try same(Float.self, text)
            try same(Bool.self, text)
            try same(String.self, text)
        }
        try same(Double.self, "true")
        try same(Int.self, #""7""#)
    }

    /// Keys present, missing and null; large objects; dates; free-form values.
    @Test func optionalsObjectsDatesAndFreeFormValues() throws {
        struct Shape: Codable, Sendable {
            var name: String
            var count: Int?
            var ratio: Double?
            var at: Date?
            var tags: [String: Int]
            var extra: JSONValue?
            var nested: [[Bool]]
        }
        try same(Shape.self, #"{"name":"x","tags":{},"nested":[]}"#)
        try same(Shape.self, #"{"name":"x","count":null,"ratio":null,"at":null,"tags":{"a":1},"extra":null,"nested":[[true],[]]}"#)
        try same(Shape.self, #"{"name":"x","count":3,"ratio":0.5,"at":"2026-12-02T19:43:40.449Z","tags":{"b":2,"a":1},"extra":{"k":[1,2.5,"s",null,false,{}]},"nested":[[false]]}"#)
        try same(Shape.self, #"{"name":"x","count":3,"at":"2026-12-02T19:43:40Z","tags":{},"nested":[]}"#)
        try same(Shape.self, #"{"name":"x","at":"yesterday","tags":{},"nested":[]}"#)
        try same(Shape.self, #"{"count":3,"tags":{},"nested":[]}"#)
        try same(Shape.self, #"{"name":null,"tags":{},"nested":[]}"#)
        try same(Shape.self, #"{"name":1,"tags":{},"nested":[]}"#)
        try same(Shape.self, #"{"name":"x","tags":[],"nested":[]}"#)
        let many = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        try same([String: Int].self, "{\(many)}")
        let decoded = try ResponseDecoder.decode([String: Int].self, from: Array("{\(many)}".utf8))
        #expect(decoded.count == 40 && decoded["k39"] == 39)
    }

    /// Not JSON, or JSON Foundation refuses: refused, with nothing decoded.
    /// Objects of integers (counts by status, log cursors), as Foundation reads them.
    @Test func objectsOfIntegers() throws {
        try same([String: Int].self, #"{"completed":3,"failed":0,"pending":12}"#)
        try same([String: Int].self, #"{}"#)
        try same([String: Int].self, #"{"a":1,"a":2}"#)
        try same([String: Int].self, #"{"a":1.0,"b":-7}"#)
        try same([String: Int].self, #"{"a":1.5}"#)
        try same([String: Int].self, #"{"a":"1"}"#)
        try same([String: Int].self, #"{"a":null}"#)
        try same([String: Int].self, #"[1,2]"#)
        try same([String: Int].self, #"{"é "q"":1,"":2}"#)
        try same([String: Int].self, #"{"big":9223372036854775808}"#)
        try same(OutputCursorProbe.self, #"{"cursor":{"stdout":10,"stderr":0}}"#)
        try same(OutputCursorProbe.self, #"{"cursor":null}"#)
        try same(OutputCursorProbe.self, #"{}"#)
    }

    struct OutputCursorProbe: Codable { var cursor: [String: Int]? }

    @Test func malformedLinesAreRefused() throws {
        let bad = [
            "", " ", "{", "[,]", "{,}", "[1,,]", "{\"a\" 1}", "[01]", "[1.]", "[-]", "[.5]", "[1e]", "\"open", "\"tab\there\"", "[\"\\x\"]",
            "[\"\\ud83d\"]", "[\"\\ude00\"]", "[\"\\u12\"]", "[1] 2", "nul", "tru", "[true false]", "{1:2}",
        ]
        for line in bad {
            #expect(throws: DecodingError.self, "\(line)") { try ResponseDecoder.decode(JSONValue.self, from: Array(line.utf8)) }
            #expect(throws: (any Error).self, "\(line)") { try JSONDecoder.wire.decode(JSONValue.self, from: Data(line.utf8)) }
        }
        #expect(throws: DecodingError.self) { try ResponseDecoder.decode(String.self, from: [0x22, 0xFF, 0xFE, 0x22]) }
        // Foundation takes a comma before a closing bracket or brace; so does this decoder.
        try same(JSONValue.self, "[1,]")
        try same(JSONValue.self, #"{"a":1,}"#)
        #expect(try ResponseDecoder.decode([Int].self, from: Array("[1, ]".utf8)) == [1])
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: DecodingError.self) { try ResponseDecoder.decode(JSONValue.self, from: Array(deep.utf8)) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: Never.self) { try ResponseDecoder.decode(JSONValue.self, from: Array(fine.utf8)) }
    }

    /// Job summaries (read field by field, not through the containers) decode as Foundation
    /// decodes them: every field present, absent or null, keys in any order, inside a listing
    /// and alone; and a broken summary fails the same way (same error, same path).
    @Test func jobSummariesDecodeAsFoundationDecodesThem() throws {
        var generator = SystemRandomNumberGenerator()
        func maybe<T>(_ value: T) -> T? { Bool.random(using: &generator) ? value : nil }
        var summaries: [JobSummary] = []
        for i in 0..<200 {
            let created = Date(timeIntervalSince1970: Double(Int.random(in: 1_700_000_000_000...1_800_000_000_000, using: &generator)) / 1000)
            summaries.append(JobSummary(
                jobID: "job-\(i)", kind: Bool.random(using: &generator) ? "score" : "module", name: "name \"\(i)\" é",
                status: JobStatus.allCases.randomElement(using: &generator)!, workspace: "/tmp/ws \(i)", configPath: maybe("/s/\(i).yaml"),
                checkpointPath: maybe("/c/\(i).json"), pid: maybe(Int32.random(in: 1...Int32.max, using: &generator)), createdAt: created,
                startedAt: maybe(created.addingTimeInterval(0.5)), finishedAt: maybe(created.addingTimeInterval(2.25)), error: maybe("sheet 2 failed:\n\"x\""),
                currentSheet: maybe(i % 7), completedSheets: i % 5, totalSheets: 5 + i % 3, queuePosition: maybe(i), runningSeconds: maybe(Double(i) / 7),
                group: maybe("g\(i % 3)"), label: maybe("label \(i)"), command: maybe("echo 'hi' \(i)"), after: maybe(i % 2 == 0 ? [] : ["a", "b\(i)"]),
                notBefore: maybe(created.addingTimeInterval(60))
            ))
        }
        for summary in summaries {
            var object = try JSONSerialization.jsonObject(with: JSONEncoder.wire.encode(summary)) as! [String: Any]
            if Bool.random(using: &generator), let key = ["config_path", "pid", "error", "after", "group"].randomElement(using: &generator) {
                object[key] = NSNull()
            }
            let shuffled = object.keys.shuffled(using: &generator).map { key in
                "\(String(decoding: try! JSONSerialization.data(withJSONObject: [key], options: .fragmentsAllowed), as: UTF8.self).dropFirst().dropLast()):" +
                    String(decoding: try! JSONSerialization.data(withJSONObject: [object[key]!], options: .fragmentsAllowed), as: UTF8.self).dropFirst().dropLast()
            }
            try same(JobSummary.self, "{\(shuffled.joined(separator: ","))}")
        }
        let listing = String(decoding: try JSONEncoder.wire.encode(ListResult(jobs: summaries, nextCursor: 7)), as: UTF8.self)
        try same(RPCResponse<ListResult>.self, #"{"id":1,"jsonrpc":"2.0","result":"# + listing + "}")
        #expect(try ResponseDecoder.decode(ListResult.self, from: Array(listing.utf8)).jobs == summaries)
        // The field-by-field reader itself, not the containers it falls back to on an error.
        for summary in summaries {
            var parser = ResponseDecoder.Parser(bytes: Array(try JSONEncoder.wire.encode(summary)))
            #expect(try JobSummary(node: parser.document(), path: []) == summary)
        }

        let base = #""job_id":"a","kind":"score","name":"a","workspace":"/w","created_at":"2026-12-02T19:43:40.449Z","completed_sheets":0,"total_sheets":1"#
        // A repeated key: the first one is read, as for every other type.
        let repeated = try ResponseDecoder.decode(JobSummary.self, from: Array("{\"status\":\"failed\",\(base),\"name\":\"b\",\"status\":\"pending\"}".utf8))
        #expect(repeated.name == "a" && repeated.status == .failed)
        for broken in [
            "{\(base)}", "{\(base),\"status\":\"sleeping\"}", "{\(base),\"status\":null}", "{\(base),\"status\":3}",
            #"{"kind":"score","name":"a","status":"pending","workspace":"/w","created_at":"2026-12-02T19:43:40.449Z","completed_sheets":0,"total_sheets":1}"#,
            "{\(base),\"status\":\"pending\",\"pid\":\"12\"}", "{\(base),\"status\":\"pending\",\"pid\":1.5}",
            "{\(base),\"status\":\"pending\",\"started_at\":\"soon\"}", "{\(base),\"status\":\"pending\",\"after\":[\"x\",1]}",
            "{\(base),\"status\":\"pending\",\"running_seconds\":\"1\"}", "[]", "null",
        ] {
            try same(JobSummary.self, broken)
            sameFailure([JobSummary].self, "[\(broken)]")
        }
    }

    /// Status answers (read field by field, with their sheets and attempts) decode as
    /// Foundation decodes them, and broken ones fail alike.
    @Test func statusAnswersDecodeAsFoundationDecodesThem() throws {
        var generator = SystemRandomNumberGenerator()
        func maybe<T>(_ value: T) -> T? { Bool.random(using: &generator) ? value : nil }
        let created = Date(timeIntervalSince1970: 1_780_000_000.125)
        for i in 0..<100 {
            let sheets = (0..<Int.random(in: 0...6, using: &generator)).map { n in
                var sheet = SheetSummary(
                    number: n + 1, status: SheetStatus.allCases.randomElement(using: &generator)!, attempts: n % 3,
                    startedAt: maybe(created), finishedAt: maybe(created.addingTimeInterval(1.5)), exitCode: maybe(Int32(n)), signal: maybe(9),
                    error: maybe("exit code \(n)"), stderrTail: maybe("tail \"é\"\n"), dependencies: Array(0..<n % 3), slurmJobID: maybe("12\(n)"),
                    slurmState: maybe("PENDING"), slurmReason: maybe("Resources")
                )
                sheet.instrument = maybe("claude-code")
                sheet.model = maybe("sonnet")
                sheet.inputTokens = maybe(n * 100)
                sheet.outputTokens = maybe(n * 10)
                sheet.costUSD = maybe(Double(n) / 8)
                sheet.output = maybe("answer \(n)")
                sheet.attemptLog = maybe((0..<n % 3).map { a in
                    SheetAttemptSummary(attempt: a + 1, instrument: "cli", model: maybe("m"), outcome: "completed", inputTokens: a, outputTokens: a * 2, costUSD: 0.25, durationSeconds: 0.5)
                })
                return sheet
            }
            var result = JobStatusResult(
                job: JobSummary(jobID: "j\(i)", kind: "score", name: "n", status: .running, workspace: "/w", createdAt: created, totalSheets: sheets.count),
                sheets: sheets, elapsedSeconds: maybe(2.5), maxDurationSeconds: maybe(60)
            )
            result.inputTokens = maybe(5)
            result.outputTokens = maybe(6)
            result.costUSD = maybe(0.75)
            let line = String(decoding: try JSONEncoder.wire.encode(RPCResponse<JobStatusResult>(id: .int(1), result: result)), as: UTF8.self)
            try same(RPCResponse<JobStatusResult>.self, line)
            #expect(try ResponseDecoder.decode(RPCResponse<JobStatusResult>.self, from: Array(line.utf8)).result == result)
            var parser = ResponseDecoder.Parser(bytes: Array(try JSONEncoder.wire.encode(result)))
            #expect(try JobStatusResult(node: parser.document(), path: []) == result)
        }
        let job = #""job":{"job_id":"a","kind":"score","name":"a","status":"running","workspace":"/w","created_at":"2026-12-02T19:43:40.449Z","completed_sheets":0,"total_sheets":1}"#
        let sheet = #""number":1,"attempts":1,"dependencies":[]"#
        for broken in [
            "{\(job)}", "{\"sheets\":[]}", "{\(job),\"sheets\":{}}", "{\(job),\"sheets\":[{\(sheet)}]}",
            "{\(job),\"sheets\":[{\(sheet),\"status\":\"late\"}]}", "{\(job),\"sheets\":[{\(sheet),\"status\":\"failed\",\"dependencies\":[\"1\"]}]}",
            "{\(job),\"sheets\":[{\(sheet),\"status\":\"failed\",\"attempts_log\":[{\"attempt\":1}]}]}",
            "{\(job),\"sheets\":[{\(sheet),\"status\":\"failed\",\"exit_code\":4294967296}]}",
            "{\(job),\"sheets\":[],\"elapsed_seconds\":\"2\"}",
        ] {
            try same(JobStatusResult.self, broken)
            sameFailure(JobStatusResult.self, broken)
        }
    }

    /// Conductor statuses (read field by field, Slurm's part too) decode as Foundation decodes
    /// them, and broken ones fail alike.
    @Test func conductorStatusesDecodeAsFoundationDecodesThem() throws {
        var generator = SystemRandomNumberGenerator()
        func maybe<T>(_ value: T) -> T? { Bool.random(using: &generator) ? value : nil }
        for i in 0..<100 {
            var status = ConductorStatusResult(
                pid: Int32(i + 1), version: "0.1.\(i)", uptimeSeconds: Double(i) * 1.25, uptime: "\(i)s", rssBytes: i * 4096, home: "/h \(i)",
                jobsByStatus: Dictionary(uniqueKeysWithValues: (0..<i % 4).map { ("s\($0)", $0) }), runningJobs: (0..<i % 3).map { "j\($0)" },
                modules: maybe(["m"]) ?? [], recoveredJobs: i % 2, maxConcurrentJobs: 4, httpURL: maybe("http://127.0.0.1:\(8000 + i)"),
                problems: maybe(["disk \"full\""]),
                slurm: maybe(SlurmReachability(sbatch: maybe("/usr/bin/sbatch"), clusterAnswers: Bool.random(using: &generator), message: "ok é", ageSeconds: maybe(3.5), followedJobs: i % 5))
            )
            status.rateLimits = maybe([InstrumentRateLimit(instrument: "claude-code", until: Date(timeIntervalSince1970: 1_780_000_000), jobID: "j", sheet: 2, reason: "429", waitingSheets: 1)])
            status.modelSlots = maybe([ModelSlotUsage(instrument: "claude-code", model: "sonnet", running: 1, limit: 2, waiting: 0)])
            let line = String(decoding: try JSONEncoder.wire.encode(RPCResponse<ConductorStatusResult>(id: .int(1), result: status)), as: UTF8.self)
            try same(RPCResponse<ConductorStatusResult>.self, line)
            #expect(try ResponseDecoder.decode(RPCResponse<ConductorStatusResult>.self, from: Array(line.utf8)).result == status)
            var parser = ResponseDecoder.Parser(bytes: Array(try JSONEncoder.wire.encode(status)))
            #expect(try ConductorStatusResult(node: parser.document(), path: []) == status)
        }
        let base = #""home":"/h","jobs_by_status":{},"max_concurrent_jobs":4,"modules":[],"pid":1,"recovered_jobs":0,"rss_bytes":1,"running_jobs":[],"uptime":"1s","uptime_seconds":1"#
        for broken in [
            "{\(base)}", "{\(base),\"version\":1}", "{\(base),\"version\":\"v\",\"slurm\":{\"message\":\"m\"}}",
            "{\(base),\"version\":\"v\",\"slurm\":{\"message\":\"m\",\"cluster_answers\":\"yes\",\"followed_jobs\":0}}",
            "{\(base),\"version\":\"v\",\"jobs_by_status\":{\"a\":\"1\"}}", "{\(base),\"version\":\"v\",\"rate_limits\":[{}]}",
            "{\(base),\"version\":\"v\",\"pid\":4294967296}",
        ] {
            try same(ConductorStatusResult.self, broken)
            sameFailure(ConductorStatusResult.self, broken)
        }
    }

    /// The field-by-field readers name every stored property of their types: a property added
    /// to one of these types and not read in its `init(node:path:)` fails here, not silently
    /// as a field the client never sees.
    @Test func theFieldReadersReadEveryField() throws {
        let date = Date(timeIntervalSince1970: 1_780_000_000)
        let summary = JobSummary(jobID: "a", kind: "score", name: "a", status: .running, workspace: "/w", createdAt: date, totalSheets: 1)
        let sheet = SheetSummary(number: 1, status: .failed, attempts: 1, startedAt: nil, finishedAt: nil, exitCode: nil, signal: nil, error: nil, stderrTail: nil, dependencies: [])
        let attempt = SheetAttemptSummary(attempt: 1, instrument: "cli", model: nil, outcome: "failed", inputTokens: 0, outputTokens: 0, costUSD: 0, durationSeconds: 0)
        let status = JobStatusResult(job: summary, sheets: [sheet], elapsedSeconds: nil, maxDurationSeconds: nil)
        // The counts of `fields.required`/`fields.optional` calls in each reader.
        #expect(Mirror(reflecting: summary).children.count == 22, "JobSummary(node:path:) reads 22 fields")
        #expect(Mirror(reflecting: sheet).children.count == 20, "SheetSummary(node:path:) reads 20 fields")
        #expect(Mirror(reflecting: attempt).children.count == 8, "SheetAttemptSummary(node:path:) reads 8 fields")
        #expect(Mirror(reflecting: status).children.count == 7, "JobStatusResult(node:path:) reads 7 fields")
        let slurm = SlurmReachability(sbatch: nil, clusterAnswers: false, message: "m")
        let conductor = ConductorStatusResult(
            pid: 1, version: "v", uptimeSeconds: 1, uptime: "1s", rssBytes: 1, home: "/h", jobsByStatus: [:], runningJobs: [], modules: [], recoveredJobs: 0,
            maxConcurrentJobs: 4, slurm: slurm
        )
        #expect(Mirror(reflecting: conductor).children.count == 16, "ConductorStatusResult(node:path:) reads 16 fields")
        #expect(Mirror(reflecting: slurm).children.count == 5, "SlurmReachability(node:path:) reads 5 fields")
    }

    /// When both decoders refuse `line`, they give the same error case and path (Foundation
    /// names no path for a number that does not fit; ours names the field).
    func sameFailure<T: Codable>(_ type: T.Type, _ line: String) {
        let ours = Result { try ResponseDecoder.decode(T.self, from: Array(line.utf8)) }
        let theirs = Result { try JSONDecoder.wire.decode(T.self, from: Data(line.utf8)) }
        guard case .failure(let mine) = ours, case .failure(let foundation) = theirs else { return }
        let expected = Self.shape(foundation)
        if expected == "dataCorrupted at []" {
            #expect(Self.shape(mine).hasPrefix("dataCorrupted at "), "\(line)")
        } else {
            #expect(Self.shape(mine) == expected, "\(line)")
        }
    }

    /// A decoding error's case and coding path, which both decoders must agree on.
    static func shape(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context): return "keyNotFound \(key.stringValue) at \(context.codingPath.map(\.stringValue))"
        case DecodingError.valueNotFound(_, let context): return "valueNotFound at \(context.codingPath.map(\.stringValue))"
        case DecodingError.typeMismatch(_, let context): return "typeMismatch at \(context.codingPath.map(\.stringValue))"
        case DecodingError.dataCorrupted(let context): return "dataCorrupted at \(context.codingPath.map(\.stringValue))"
        default: return "\(error)"
        }
    }
}
