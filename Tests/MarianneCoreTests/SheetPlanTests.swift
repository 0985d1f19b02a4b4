import MarianneCore
import Testing

struct SheetPlanTests {
    func sheets(_ sheet: String) throws -> [PlannedSheet] {
        try ScoreLoader.load(yaml: "name: x\nworkspace: ./w\nprompt: {template: a}\nsheet: \(sheet)\n", baseDirectory: "/tmp").sheets
    }

    @Test func linearByDefaultWithItemRanges() throws {
        let plan = try sheets("{size: 3, total_items: 7, start_item: 10}")
        #expect(plan.map(\.number) == [1, 2, 3])
        #expect(plan.map(\.startItem) == [10, 13, 16])
        #expect(plan.map(\.endItem) == [12, 15, 16])
        #expect(plan.map(\.dependencies) == [[], [1], [2]])
    }

    @Test func explicitDependenciesMakeADAG() throws {
        let plan = try sheets("{total_items: 4, dependencies: {2: [1], 3: [1], 4: [2, 3]}}")
        #expect(plan.map(\.dependencies) == [[], [1], [1], [2, 3]])
    }

    @Test func fanOutExpandsAStageIntoInstances() throws {
        let plan = try sheets("{size: 1, total_items: 3, fan_out: {2: 3}}")
        #expect(plan.count == 5)
        #expect(plan.map(\.stage) == [1, 2, 2, 2, 3])
        #expect(plan.map(\.instance) == [1, 1, 2, 3, 1])
        #expect(plan.map(\.fanCount) == [1, 3, 3, 3, 1])
        #expect(plan[1].dependencies == [1])
        #expect(plan[4].dependencies == [2, 3, 4])
    }

    @Test func cyclesAreNamed() {
        let problems = ScoreLoader.check(
            yaml: "name: x\nworkspace: ./w\nprompt: {template: a}\nsheet: {total_items: 3, dependencies: {1: [3], 2: [1], 3: [2]}}\n",
            baseDirectory: "/tmp"
        ).1
        #expect(problems.first?.code == "V011")
        #expect(problems.first?.message.contains("1 -> 3 -> 2 -> 1") == true)
    }
}
