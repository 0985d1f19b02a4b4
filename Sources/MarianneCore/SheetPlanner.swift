import Foundation
import Yams

/// Expands `sheet: {size, total_items, start_item, dependencies, fan_out}` into concrete sheets.
enum SheetPlanner {
    static let maxSheets = 100_000

    static func expand(_ config: SheetConfig, marks: [String: Mark], problems: inout [ScoreProblem]) -> [PlannedSheet] {
        func report(_ code: String, _ message: String, _ key: String, hint: String? = nil) {
            let mark = marks["sheet.\(key)"] ?? marks["sheet"]
            problems.append(ScoreProblem(code: code, message: message, line: mark?.line, column: mark?.column, hint: hint))
        }
        guard config.size >= 1, config.totalItems >= 1 else { return [] }
        let fanned = !config.fanOut.isEmpty
        if fanned, config.size != 1 {
            report(ScoreCode.badFanOut, "fan_out needs sheet.size 1 (each stage is one item)", "fan_out", hint: "set sheet.size: 1")
            return []
        }
        let units = fanned ? config.totalItems : (config.totalItems + config.size - 1) / config.size
        guard units <= maxSheets else {
            report(ScoreCode.invalidValue, "the score would have \(units) sheets; the limit is \(maxSheets)", "total_items")
            return []
        }
        for stage in config.fanOut.keys.sorted() where !(1...units).contains(stage) {
            report(ScoreCode.badFanOut, "fan_out names stage \(stage), but there are stages 1-\(units)", "fan_out")
        }
        var dependencyProblem = false
        for (unit, deps) in config.dependencies.sorted(by: { $0.key < $1.key }) {
            let what = fanned ? "stage" : "sheet"
            if !(1...units).contains(unit) {
                report(ScoreCode.badDependency, "dependencies name \(what) \(unit), but there are \(what)s 1-\(units)", "dependencies")
                dependencyProblem = true
            }
            for dep in deps {
                if dep == unit {
                    report(ScoreCode.badDependency, "\(what) \(unit) depends on itself", "dependencies")
                    dependencyProblem = true
                } else if !(1...units).contains(dep) {
                    report(ScoreCode.badDependency, "\(what) \(unit) depends on \(what) \(dep), which does not exist (there are \(units))", "dependencies")
                    dependencyProblem = true
                }
            }
        }
        guard !dependencyProblem else { return [] }
        let unitDeps: [Int: [Int]] = config.dependencies.isEmpty
            ? Dictionary(uniqueKeysWithValues: (1...units).map { ($0, $0 > 1 ? [$0 - 1] : []) })
            : Dictionary(uniqueKeysWithValues: (1...units).map { ($0, (config.dependencies[$0] ?? []).sorted()) })
        if let cycle = findCycle(unitDeps) {
            let what = fanned ? "stages" : "sheets"
            report(ScoreCode.dependencyCycle, "dependencies form a cycle between \(what) " + cycle.map(String.init).joined(separator: " -> "), "dependencies",
                   hint: "a sheet cannot wait for itself, directly or through others")
            return []
        }
        guard fanned else {
            return (1...units).map { number in
                let start = config.startItem + (number - 1) * config.size
                let end = min(start + config.size - 1, config.startItem + config.totalItems - 1)
                return PlannedSheet(number: number, startItem: start, endItem: end, dependencies: unitDeps[number] ?? [], stage: number)
            }
        }
        var sheetsOfStage: [Int: [Int]] = [:]
        var next = 1
        for stage in 1...units {
            let count = config.fanOut[stage] ?? 1
            sheetsOfStage[stage] = Array(next..<next + count)
            next += count
        }
        guard next - 1 <= maxSheets else {
            report(ScoreCode.badFanOut, "fan_out would make \(next - 1) sheets; the limit is \(maxSheets)", "fan_out")
            return []
        }
        var sheets: [PlannedSheet] = []
        for stage in 1...units {
            let deps = (unitDeps[stage] ?? []).flatMap { sheetsOfStage[$0] ?? [] }
            let members = sheetsOfStage[stage] ?? []
            for (offset, number) in members.enumerated() {
                let item = config.startItem + stage - 1
                sheets.append(PlannedSheet(
                    number: number, startItem: item, endItem: item, dependencies: deps, stage: stage,
                    instance: offset + 1, fanCount: members.count
                ))
            }
        }
        return sheets
    }

    /// A cycle in the graph, as a path that returns to its start, or nil.
    static func findCycle(_ graph: [Int: [Int]]) -> [Int]? {
        var state: [Int: Int] = [:]  // 1 = on the stack, 2 = done
        var stack: [Int] = []
        func visit(_ node: Int) -> [Int]? {
            state[node] = 1
            stack.append(node)
            for next in graph[node] ?? [] {
                if state[next] == 1, let start = stack.firstIndex(of: next) {
                    return Array(stack[start...]) + [next]
                }
                if state[next] == nil, let cycle = visit(next) { return cycle }
            }
            stack.removeLast()
            state[node] = 2
            return nil
        }
        for node in graph.keys.sorted() where state[node] == nil {
            if let cycle = visit(node) { return cycle }
        }
        return nil
    }
}
