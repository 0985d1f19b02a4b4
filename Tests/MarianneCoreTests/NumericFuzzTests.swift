import Foundation
import MarianneCore
import MarianneTestSupport
import Testing

/// Random huge, infinite, NaN, negative and odd values in every numeric field of a score:
/// the loader answers with problems, never a crash, and whatever loads also plans.
struct NumericFuzzTests {
    /// A small deterministic generator, so a failure can be replayed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state ^ (state >> 29)
        }
    }

    static let values = [
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "99999999999999999999999", "1e300", "-1e300",
        ".inf", "-.inf", ".nan", "0", "-1", "1", "2", "0.5", "1e-300", "100000", "100001", "4294967296", "0x7fffffffffffffff",
        "1_000_000", "3.0", "true", "\"12\"", "[]", "{}", "~", "1e11", "2592000", "2592001", "60", "61",
    ]

    /// Every numeric field, as the path of keys to it (`[]` is a list item, numbers are sheet keys).
    static let fields: [[String]] = [
        ["sheet", "size"], ["sheet", "total_items"], ["sheet", "start_item"], ["sheet", "fan_out", "1"], ["sheet", "fan_out", "2"],
        ["sheet", "dependencies", "2", "[]"], ["sheet", "skip_when_command", "1", "timeout_seconds"], ["sheet", "instrument_map", "cli", "[]"],
        ["backend", "timeout"], ["backend", "timeout_seconds"], ["backend", "rate_limit_wait"], ["backend", "timeout_overrides", "1"],
        ["backend", "sheet_overrides", "1", "timeout_seconds"], ["backend", "max_tokens"], ["backend", "temperature"],
        ["backend", "max_output_capture_bytes"], ["backend", "ollama", "num_ctx"], ["instrument_config", "timeout_seconds"],
        ["instruments", "a", "config", "timeout_seconds"], ["movements", "1", "voices"], ["movements", "2", "instrument_config", "timeout_seconds"],
        ["retry", "max_retries"], ["retry", "base_delay_seconds"], ["retry", "max_delay_seconds"], ["retry", "exponential_base"],
        ["retry", "max_completion_attempts"], ["retry", "completion_threshold_percent"], ["parallel", "max_concurrent"],
        ["parallel", "stagger_delay_ms"], ["pause_between_sheets_seconds"], ["max_duration"], ["cross_sheet", "max_output_chars"],
        ["cross_sheet", "lookback_sheets"], ["concert", "max_chain_depth"], ["concert", "cooldown_between_jobs_seconds"],
        ["validations", "[]", "timeout_seconds"], ["validations", "[]", "stage"], ["validations", "[]", "retry_count"],
        ["validations", "[]", "retry_delay_ms"], ["validations", "[]", "sheet"], ["on_success", "[]", "timeout_seconds"],
        ["rate_limit", "wait_minutes"], ["circuit_breaker", "failure_threshold"], ["circuit_breaker", "recovery_timeout_seconds"],
        ["cost_limits", "max_cost_per_job"], ["stale_detection", "idle_timeout_seconds"], ["learning", "exploration_rate"],
        ["learning", "entropy_response", "cooldown_seconds"], ["ai_review", "min_score"], ["logging", "max_file_size_mb"],
        ["bridge", "context_budget_percent"], ["grounding", "timeout_seconds"],
    ]

    /// A nested YAML value: a mapping of keys, a list, or a scalar.
    indirect enum Tree {
        case scalar(String)
        case map([(String, Tree)])
        case list([Tree])

        func yaml() -> String {
            switch self {
            case .scalar(let text): return text
            case .map(let entries): return "{" + entries.map { "\($0.0): \($0.1.yaml())" }.joined(separator: ", ") + "}"
            case .list(let items): return "[" + items.map { $0.yaml() }.joined(separator: ", ") + "]"
            }
        }

        func setting(_ path: ArraySlice<String>, to value: String) -> Tree {
            guard let key = path.first else { return .scalar(value) }
            let rest = path.dropFirst()
            if key == "[]" {
                var items: [Tree] = []
                if case .list(let existing) = self { items = existing }
                let base = items.first ?? (rest.isEmpty ? .scalar(value) : Tree.map(Self.listDefaults(rest.first ?? "")))
                let item = rest.isEmpty ? Tree.scalar(value) : base.setting(rest, to: value)
                return .list([item])
            }
            var entries: [(String, Tree)] = []
            if case .map(let existing) = self { entries = existing }
            if let index = entries.firstIndex(where: { $0.0 == key }) {
                entries[index].1 = entries[index].1.setting(rest, to: value)
            } else {
                entries.append((key, Tree.map([]).setting(rest, to: value)))
            }
            return .map(entries)
        }

        /// List items (validations) need their required keys to reach the numeric checks.
        static func listDefaults(_ field: String) -> [(String, Tree)] {
            [("type", .scalar("command_succeeds")), ("command", .scalar("\"true\""))]
        }
    }

    @Test func randomNumbersInEveryFieldGiveProblemsNotCrashes() async throws {
        // Hundreds of loads: on a thread of its own, not the pool concurrent tests share.
        let (refused, loaded, failures) = try await onOwnThread { Self.fuzz() }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        #expect(refused > 100 && loaded > 50, "refused \(refused), loaded \(loaded)")
    }

    static func fuzz() -> (Int, Int, [String]) {
        var failures: [String] = []
        var generator = Generator(state: 0x5EED)
        var refused = 0
        var loaded = 0
        for round in 0..<400 {
            var tree = Tree.map([
                ("name", .scalar("fuzz")), ("prompt", .map([("template", .scalar("\"{{ sheet_num }} {{ movement }}\"")), ("variables", .map([("n", .scalar("1"))]))])),
            ])
            var written: [String] = []
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let field = Self.fields.randomElement(using: &generator)!
                let value = Self.values.randomElement(using: &generator)!
                var path = field[...]
                if field.first == "on_success" {
                    tree = tree.setting(["on_success"], to: "[{type: run_job, job_path: x.yaml, timeout_seconds: \(value)}]")
                    written.append("on_success.timeout_seconds=\(value)")
                    continue
                }
                if field.first == "instruments" { tree = tree.setting(["instruments", "a", "profile"], to: "cli") }
                path = field[...]
                tree = tree.setting(path, to: value)
                written.append(field.joined(separator: ".") + "=" + value)
            }
            let yaml = tree.yaml()
            let (score, problems) = ScoreLoader.check(yaml: yaml, baseDirectory: "/tmp")
            if ProcessInfo.processInfo.environment["FUZZ_DEBUG"] != nil {
                print("FUZZ \(written) -> \(problems.filter { $0.severity == .error }.map { "\($0.code) \($0.message)" })")
            }
            if let score {
                loaded += 1
                let plan = ScorePlan.make(score, jobID: "fuzz")
                if plan.sheets.count != score.sheets.count { failures.append("round \(round): plan differs: \(written)") }
                if score.sheets.count > ScoreLimits.maxSheets { failures.append("round \(round): too many sheets: \(written)") }
            } else {
                refused += 1
                if !problems.contains(where: { $0.severity == .error }) { failures.append("round \(round): refused without an error: \(written)") }
                if !problems.allSatisfy({ !$0.message.isEmpty }) { failures.append("round \(round): a problem without a message") }
            }
        }
        return (refused, loaded, failures)
    }
}
