import MarianneCore
import Testing

/// Fan-out as Marianne expands it: stages into sheets, stage dependencies into sheet ones.
struct FanOutTests {
    func sheets(_ sheet: String, _ extra: String = "") throws -> [PlannedSheet] {
        try Scores.load("name: f\nprompt: {template: x}\nsheet: \(sheet)\n" + extra).sheets
    }

    @Test func dependenciesExpandByMariannesPatterns() throws {
        // 1 -> 3 voices -> 3 voices -> 2 voices -> 1
        let plan = try sheets("{size: 1, total_items: 5, fan_out: {2: 3, 3: 3, 4: 2}, dependencies: {2: [1], 3: [2], 4: [3], 5: [4]}}")
        #expect(plan.map(\.stage) == [1, 2, 2, 2, 3, 3, 3, 4, 4, 5])
        #expect(plan[1].dependencies == [1] && plan[3].dependencies == [1], "fan-out: each voice waits for the one sheet")
        #expect(plan[4].dependencies == [2] && plan[6].dependencies == [4], "same width: voice i waits for voice i")
        #expect(plan[7].dependencies == [5, 6, 7], "different widths: all of them")
        #expect(plan[9].dependencies == [8, 9], "fan-in: all voices")
    }

    @Test func voicesAreFanOutShorthand() throws {
        let plan = try sheets("{size: 1, total_items: 3}", "movements: {2: {name: Draft, voices: 3}}\n")
        #expect(plan.count == 5)
        #expect(plan.map(\.instance) == [1, 1, 2, 3, 1])
        #expect(plan.map(\.fanCount) == [1, 3, 3, 3, 1])
        let found = Scores.errors("name: f\nprompt: {template: x}\nsheet: {size: 1, total_items: 2, fan_out: {2: 2}}\nmovements: {2: {voices: 3}}\n")
        #expect(found.map(\.code) == ["V012"])
    }

    @Test func fanOutNeedsSizeOneAndStartItemOne() {
        #expect(Scores.errors("name: f\nprompt: {template: x}\nsheet: {size: 1, total_items: 2, start_item: 5, fan_out: {2: 2}}\n").map(\.code) == ["V012"])
        #expect(Scores.errors("name: f\nprompt: {template: x}\nsheet: {size: 1, total_items: 2, fan_out: {3: 2}}\n").map(\.code) == ["V012"])
    }

    @Test func skipRulesAreKeyedByStageWithFanOut() throws {
        let loaded = try Scores.load("""
            name: f
            prompt: {template: x}
            sheet:
              size: 1
              total_items: 3
              fan_out: {2: 2}
              skip_when: {2: "sheets[1].status == 'failed'"}
              skip_when_command: {3: {command: "test -f {workspace}/stop"}}
              descriptions: {3: third sheet}
            """)
        #expect(loaded.score.sheet.skipWhen.keys.sorted() == [2, 3])
        #expect(loaded.score.sheet.skipWhenCommand.keys.sorted() == [4])
        #expect(loaded.score.sheet.descriptions == [3: "third sheet"], "descriptions stay keyed by sheet")
        #expect(loaded.totalStages == 3)
    }

    @Test func keysNamingMissingSheetsAreWarnedAbout() {
        let found = Scores.problems(Scores.with("sheet: {total_items: 2, descriptions: {5: late}, cadenzas: {9: [{file: a, as: context}]}}\n"))
        #expect(found.map(\.code) == ["W004", "W004"])
        #expect(found.first?.message.contains("sheet.descriptions names sheet 5") == true)
    }
}
