import Foundation

enum Report {
    static func print(_ figures: [Figure]) {
        func format(_ value: Double, _ unit: String) -> String {
            if value.isNaN { return "-" }
            switch unit {
            case "ms": return String(format: "%.2f ms", value)
            case "x": return String(format: "%.2fx", value)
            case "MB": return String(format: "%.1f MB", value)
            default: return String(format: "%.0f %@", value, unit)
            }
        }
        let rows = figures.map { figure in
            [figure.name, format(figure.median, figure.unit), format(figure.p90, figure.unit), figure.target,
             figure.met.map { $0 ? "met" : "MISSED" } ?? ""]
        }
        let header = ["figure", "median", "p90", "target", ""]
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        Swift.print("")
        Swift.print(line(header))
        Swift.print(line(widths.map { String(repeating: "-", count: $0) }))
        for row in rows { Swift.print(line(row)) }
    }

    /// Each ratio against task-spooler, with its target and stretch target.
    static func print(_ comparisons: [Comparison]) {
        guard !comparisons.isEmpty else { return }
        func value(_ v: Double, _ unit: String) -> String {
            if v.isNaN { return "-" }
            switch unit {
            case "ms": return String(format: "%.2f ms", v)
            case "MB": return String(format: "%.1f MB", v)
            default: return String(format: "%.0f %@", v, unit)
            }
        }
        func bound(_ b: Double?, _ higher: Bool) -> String { b.map { String(format: higher ? ">= %.1fx" : "<= %.1fx", $0) } ?? "-" }
        func verdict(_ c: Comparison) -> String {
            switch (c.meets(c.target), c.meets(c.stretch)) {
            case (_, true?): return "met, stretch met"
            case (true?, _): return "met"
            case (false?, _): return "MISSED"
            default: return ""
            }
        }
        let rows = comparisons.map { c in
            [c.figure, value(c.ours, c.unit), "\(c.versus): " + value(c.theirs, c.unit), c.ratio.isNaN ? "-" : String(format: "%.2fx", c.ratio),
             bound(c.target, c.higherIsBetter), bound(c.stretch, c.higherIsBetter), verdict(c)]
        }
        let header = ["against task-spooler", "mzt", "task-spooler", "ratio", "target", "stretch", ""]
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        Swift.print("")
        Swift.print(line(header))
        Swift.print(line(widths.map { String(repeating: "-", count: $0) }))
        for row in rows { Swift.print(line(row)) }
    }
}
