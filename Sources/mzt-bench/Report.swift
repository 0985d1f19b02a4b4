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
}
