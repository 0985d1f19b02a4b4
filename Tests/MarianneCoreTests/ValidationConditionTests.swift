import MarianneCore
import Testing

/// `condition:` as Marianne's validation engine evaluates it.
struct ValidationConditionTests {
    let values: [String: Int?] = ["sheet_num": 3, "stage": 2, "instance": 2, "voice": nil, "total_sheets": 5]

    func holds(_ condition: String?) -> Bool {
        ValidationCondition.evaluate(condition, values: values)
    }

    @Test func comparisonsJoinedByAnd() {
        #expect(holds(nil))
        #expect(holds("sheet_num >= 3"))
        #expect(!holds("sheet_num > 3"))
        #expect(holds("sheet_num<=3"))
        #expect(holds("stage == 2 and instance == 2"))
        #expect(!holds("stage == 2 and instance == 1"))
        #expect(holds("  sheet_num != 4  "))
        #expect(holds("total_sheets < 6"))
    }

    @Test func whatMarianneDoesNotUnderstandIsTrue() {
        #expect(holds("sheet_num in [1, 2]"), "no comparison: applies")
        #expect(holds("sheet_num >= two"), "not digits: applies")
        #expect(holds("nosuch == 1"), "unknown name: applies")
        #expect(holds("voice == 7"), "None: applies")
        #expect(!holds("sheet_num == 1 or sheet_num == 3"), "`or` is not understood: only the first comparison counts")
        #expect(holds("stage == 2andinstance == 9"), "no spaces around and: one part, the first comparison")
    }

    @Test func onlyTheStartOfAPartIsMatched() {
        #expect(!holds("sheet_num == 30"), "digits are read whole")
        #expect(holds("sheet_num == 3xyz"), "text after the number is ignored")
        #expect(!holds("sheet_num == 99999999999999999999999"), "a huge number is larger than any sheet")
        #expect(holds("sheet_num < 99999999999999999999999"))
    }

    @Test func theSheetShorthandIsAnEquality() {
        let rule = ValidationRule(type: .fileExists, path: "x", sheet: 2)
        #expect(rule.condition == "sheet_num == 2")
        #expect(ValidationRule(type: .fileExists, path: "x", condition: "stage >= 1", sheet: 2).condition == "stage >= 1")
        #expect(rule.applies(to: PlannedSheet(number: 2, startItem: 2, endItem: 2, dependencies: [], stage: 2)))
        #expect(!rule.applies(to: PlannedSheet(number: 3, startItem: 3, endItem: 3, dependencies: [], stage: 3)))
    }

    @Test func appliesSeesFanOutNames() {
        let fanned = PlannedSheet(number: 4, startItem: 2, endItem: 2, dependencies: [1], stage: 2, instance: 3, fanCount: 3)
        #expect(ValidationRule(type: .fileExists, path: "x", condition: "movement == 2 and voice == 3").applies(to: fanned))
        #expect(!ValidationRule(type: .fileExists, path: "x", condition: "voice_count == 2").applies(to: fanned))
        let solo = PlannedSheet(number: 1, startItem: 1, endItem: 1, dependencies: [], stage: 1)
        #expect(ValidationRule(type: .fileExists, path: "x", condition: "instance == 2").applies(to: solo), "voice is None without fan-out")
    }

    @Test func unknownConditionPartsAreWarnedAbout() {
        let found = Scores.problems(Scores.with("validations:\n  - {type: file_exists, path: x, condition: \"sheet_num in [1, 2]\"}\n"))
        #expect(found.map(\.code) == ["W005"])
        #expect(found.first?.line == 5)
    }
}
