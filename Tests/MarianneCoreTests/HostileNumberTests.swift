import Foundation
import MarianneCore
import Testing

/// Every number of a score is range-checked where it is read: the problem names the limit
/// and its place; nothing later can trap.
struct HostileNumberTests {
    func problem(_ extra: String, code: String = "V005") -> ScoreProblem? {
        Scores.errors(Scores.with(extra)).first { $0.code == code }
    }

    @Test(arguments: [
        ("backend: {timeout: 1e11}", "at most 30d", 4),
        ("backend: {timeout_seconds: .inf}", "finite", 4),
        ("validations:\n  - {type: command_succeeds, command: x, timeout_seconds: .nan}", "finite", 5),
        ("validations:\n  - {type: command_succeeds, command: x, timeout_seconds: .inf}", "finite", 5),
        ("instrument_config: {timeout_seconds: .nan}", "finite", 4),
        ("instrument_config: {timeout_seconds: 1e308}", "at most 2592000", 4),
        ("instrument_config: {timeout_seconds: 0}", "above 0", 4),
        ("pause_between_sheets_seconds: 1e300", "at most 2592000", 4),
        ("retry: {base_delay_seconds: .inf}", "finite", 4),
        ("retry: {max_delay_seconds: -.inf}", "finite", 4),
        ("retry: {max_retries: 1e300}", "from 0 to 10000", 4),
        ("sheet: {size: 9223372036854775807}", "from 1 to 1000000000", 4),
        ("sheet: {total_items: 9223372036854775807}", "from 1 to 1000000000", 4),
        ("sheet: {start_item: 9223372036854775807}", "from 0 to 1000000000000", 4),
        ("sheet: {size: 1, total_items: 2, fan_out: {1: 100000000000}}", "from 1 to 100000", 4),
        ("movements: {1: {voices: 99999999999}}", "from 1 to 100000", 4),
        ("parallel: {stagger_delay_ms: 1000000000}", "from 0 to 5000", 4),
        ("parallel: {max_concurrent: 1000}", "from 1 to 20", 4),
        ("max_duration: 1e300", "at most 365d", 4),
        ("cross_sheet: {max_output_chars: 1e30}", "from 1 to 100000000", 4),
        ("sheet:\n  skip_when_command: {1: {command: x, timeout_seconds: 1e9}}", "at most 60", 5),
        ("concert: {max_chain_depth: 1000}", "from 1 to 100", 4),
        ("learning: {entropy_check_interval: 1e30}", "from 1 to 1000000000", 4),
        ("backend: {timeout_overrides: {1: .nan}}", "finite", 4),
    ] as [(String, String, Int)])
    func outOfRangeNumbersNameTheLimitAndTheirPlace(yaml: String, limit: String, line: Int) {
        let found = problem(yaml)
        #expect(found != nil, "no V005 for \(yaml): \(Scores.problems(Scores.with(yaml)))")
        #expect(found?.message.contains(limit) == true, "\(found?.message ?? "")")
        #expect(found?.line == line)
        #expect(found?.column != nil)
    }

    @Test func fanOutIsCountedBeforeAnythingIsAllocated() {
        let started = threadCPUSeconds()
        let stages = (1...2000).map { "\($0): 100000" }.joined(separator: ", ")
        let found = problem("sheet: {size: 1, total_items: 2000, fan_out: {\(stages)}}", code: "V012")
        #expect(found?.message.contains("the limit is 100000") == true)
        #expect(threadCPUSeconds() - started < 2, "CPU seconds of this thread")
    }

    @Test func largeItemRangesPlanWithoutOverflow() throws {
        let loaded = try Scores.load(Scores.with("sheet: {size: 1000000000, total_items: 1000000000, start_item: 1000000000000}\n"))
        #expect(loaded.sheets.count == 1)
        #expect(loaded.sheets[0].endItem == 1_000_000_000_000 + 1_000_000_000 - 1)
        let many = try Scores.load(Scores.with("sheet: {size: 10000, total_items: 1000000000}\n"))
        #expect(many.sheets.count == 100_000)
        #expect(many.sheets.last?.endItem == 1_000_000_000)
    }

    @Test func sheetNumbersTooLargeForAnIntegerAreRefused() {
        let found = Scores.errors(Scores.with("sheet: {descriptions: {99999999999999999999999: x}}\n"))
        #expect(found.first?.code == "V003")
    }

    @Test func moduleSettingsOutOfRangeStayTextAndAreRefusedByType() {
        let parameter = ModuleParameter(type: .number)
        #expect(parameter.coerce(.string("1e300")) == .double(1e300))
        #expect(parameter.coerce(.string("1e400")) == .string("1e400"))
        #expect(!parameter.accepts(parameter.coerce(.string("inf"))))
        #expect(ModuleParameter(type: .integer).coerce(.string("99999999999999999999")) == .string("99999999999999999999"))
        #expect(!ModuleParameter(type: .integer).accepts(.double(.infinity)))
    }
}
