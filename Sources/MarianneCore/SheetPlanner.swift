import Foundation
import Yams

/// Expands `sheet: {size, total_items, start_item, dependencies, fan_out}` into concrete sheets.
/// Counts are checked before anything is allocated; no arithmetic here can overflow (the
/// parser bounds every input, see `ScoreLimits`).
enum SheetPlanner {
    static let maxSheets = ScoreLimits.maxSheets

    struct Plan {
        var sheets: [PlannedSheet] = []
        /// Stage -> its sheets, in order.
        var stageSheets: [Int: [Int]] = [:]
    }

    static func expand(_ config: SheetConfig, marks: [String: Mark], problems: inout [ScoreProblem]) -> Plan {
        func report(_ code: String, _ message: String, _ key: String, hint: String? = nil) {
            let mark = marks["sheet.\(key)"] ?? marks["sheet"] ?? marks["movements"]
            problems.append(ScoreProblem(code: code, message: message, line: mark?.line, column: mark?.column, hint: hint))
        }
        guard config.size >= 1, config.totalItems >= 1, config.size <= ScoreLimits.maxItems, config.totalItems <= ScoreLimits.maxItems,
              config.startItem >= 0, config.startItem <= ScoreLimits.maxStartItem else { return Plan() }
        let fanned = !config.fanOut.isEmpty
        if fanned, config.size != 1 {
            report(ScoreCode.badFanOut, "fan_out needs sheet.size 1 (each stage is one item)", "fan_out", hint: "set sheet.size: 1")
            return Plan()
        }
        if fanned, config.startItem != 1 {
            report(ScoreCode.badFanOut, "fan_out needs sheet.start_item 1, got \(config.startItem)", "fan_out", hint: "stages count from 1")
            return Plan()
        }
        let units = fanned ? config.totalItems : (config.totalItems + config.size - 1) / config.size
        guard units <= maxSheets else {
            report(ScoreCode.invalidValue, "the score would have \(units) \(fanned ? "stages" : "sheets"); the limit is \(maxSheets)", "total_items")
            return Plan()
        }
        var fanProblem = false
        for stage in config.fanOut.keys.sorted() where !(1...units).contains(stage) {
            report(ScoreCode.badFanOut, "fan_out names stage \(stage), but there are stages 1-\(units)", "fan_out")
            fanProblem = true
        }
        let total = fanned ? (1...units).reduce(0) { $0 + min(config.fanOut[$1] ?? 1, maxSheets + 1) } : units
        guard total <= maxSheets else {
            report(ScoreCode.badFanOut, "fan_out would make \(total) sheets; the limit is \(maxSheets)", "fan_out")
            return Plan()
        }
        guard !fanProblem, dependenciesAreValid(config.dependencies, units: units, fanned: fanned, report: report) else { return Plan() }
        let unitDeps: [Int: [Int]] = config.dependencies.isEmpty
            ? Dictionary(uniqueKeysWithValues: (1...units).map { ($0, $0 > 1 ? [$0 - 1] : []) })
            : Dictionary(uniqueKeysWithValues: (1...units).map { ($0, Array(Set(config.dependencies[$0] ?? [])).sorted()) })
        if let cycle = findCycle(unitDeps) {
            let what = fanned ? "stages" : "sheets"
            report(ScoreCode.dependencyCycle, "dependencies form a cycle between \(what) " + cycle.map(String.init).joined(separator: " -> "), "dependencies",
                   hint: "a sheet cannot wait for itself, directly or through others")
            return Plan()
        }
        guard fanned else {
            let sheets = (1...units).map { number in
                let start = config.startItem + (number - 1) * config.size
                let end = min(start + config.size - 1, config.startItem + config.totalItems - 1)
                return PlannedSheet(number: number, startItem: start, endItem: end, dependencies: unitDeps[number] ?? [], stage: number)
            }
            return Plan(sheets: sheets, stageSheets: Dictionary(uniqueKeysWithValues: (1...units).map { ($0, [$0]) }))
        }
        var stageSheets: [Int: [Int]] = [:]
        var next = 1
        for stage in 1...units {
            let count = config.fanOut[stage] ?? 1
            stageSheets[stage] = Array(next..<next + count)
            next += count
        }
        var sheets: [PlannedSheet] = []
        sheets.reserveCapacity(total)
        for stage in 1...units {
            let members = stageSheets[stage] ?? []
            for (offset, number) in members.enumerated() {
                let deps = (unitDeps[stage] ?? []).flatMap { source in
                    dependencies(target: offset, targetCount: members.count, source: stageSheets[source] ?? [])
                }
                sheets.append(PlannedSheet(
                    number: number, startItem: stage, endItem: stage, dependencies: deps, stage: stage,
                    instance: offset + 1, fanCount: members.count
                ))
            }
        }
        return Plan(sheets: sheets, stageSheets: stageSheets)
    }

    /// Marianne's expansion of one stage dependency for the instance at `target` (0-based):
    /// from a single sheet, each instance waits for it; into a single sheet, it waits for all;
    /// between stages of the same width, instance i waits for instance i; otherwise for all.
    static func dependencies(target: Int, targetCount: Int, source: [Int]) -> [Int] {
        if source.count == 1 { return source }
        if targetCount == 1 { return source }
        if source.count == targetCount { return [source[target]] }
        return source
    }

    static func dependenciesAreValid(
        _ dependencies: [Int: [Int]], units: Int, fanned: Bool, report: (String, String, String, String?) -> Void
    ) -> Bool {
        var valid = true
        let what = fanned ? "stage" : "sheet"
        for (unit, deps) in dependencies.sorted(by: { $0.key < $1.key }) {
            if !(1...units).contains(unit) {
                report(ScoreCode.badDependency, "dependencies name \(what) \(unit), but there are \(what)s 1-\(units)", "dependencies", nil)
                valid = false
            }
            for dep in deps {
                if dep == unit {
                    report(ScoreCode.badDependency, "\(what) \(unit) depends on itself", "dependencies", nil)
                    valid = false
                } else if !(1...units).contains(dep) {
                    report(ScoreCode.badDependency, "\(what) \(unit) depends on \(what) \(dep), which does not exist (there are \(units))", "dependencies", nil)
                    valid = false
                }
            }
        }
        return valid
    }

    /// A cycle in the graph, as a path that returns to its start, or nil. Iterative, so a
    /// long chain cannot overflow the stack.
    static func findCycle(_ graph: [Int: [Int]]) -> [Int]? {
        var state: [Int: Int] = [:]  // 1 = on the stack, 2 = done
        for root in graph.keys.sorted() where state[root] == nil {
            var stack: [(node: Int, next: Int)] = [(root, 0)]
            var path: [Int] = [root]
            state[root] = 1
            while let top = stack.last {
                let edges = graph[top.node] ?? []
                if top.next < edges.count {
                    stack[stack.count - 1].next += 1
                    let next = edges[top.next]
                    if state[next] == 1, let start = path.firstIndex(of: next) { return Array(path[start...]) + [next] }
                    if state[next] == nil {
                        state[next] = 1
                        stack.append((next, 0))
                        path.append(next)
                    }
                } else {
                    state[top.node] = 2
                    stack.removeLast()
                    path.removeLast()
                }
            }
        }
        return nil
    }
}
