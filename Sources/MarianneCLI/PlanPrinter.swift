import Foundation
import MarianneCore

/// The sheet plan `mzt submit --dry-run` prints: order, items, dependencies, rendered command.
public enum PlanPrinter {
    public static func render(_ loaded: LoadedScore, jobID: String) -> String {
        let score = loaded.score
        var lines = [
            "job:       \(jobID)",
            "score:     \(score.name)" + (loaded.path.map { " (\($0))" } ?? ""),
            "workspace: \(loaded.workspace)",
            "backend:   \(score.backend.type.rawValue)" + (score.backend.timeoutSeconds.map { ", timeout \(DurationFormatter.human($0))" } ?? ""),
            "sheets:    \(loaded.sheets.count)" + (score.parallel.maxConcurrent > 1 ? ", up to \(score.parallel.maxConcurrent) at once" : ""),
        ]
        if score.retry.maxRetries > 0 {
            lines.append("retries:   \(score.retry.maxRetries), backoff from \(DurationFormatter.human(score.retry.baseDelaySeconds))")
        }
        if let limit = score.maxDurationSeconds { lines.append("limit:     \(DurationFormatter.human(limit))") }
        for warning in loaded.warnings { lines.append("warning:   \(warning)") }
        for sheet in topologicalOrder(loaded.sheets) {
            lines.append("")
            var header = "sheet \(sheet.number)"
            header += sheet.startItem == sheet.endItem ? " (item \(sheet.startItem))" : " (items \(sheet.startItem)-\(sheet.endItem))"
            if sheet.fanCount > 1 { header += " stage \(sheet.stage) instance \(sheet.instance)/\(sheet.fanCount)" }
            header += sheet.dependencies.isEmpty ? ", no dependencies" : ", after " + sheet.dependencies.map(String.init).joined(separator: ", ")
            lines.append(header)
            let command: String
            do {
                command = try ScoreRenderer.renderPrompt(loaded, sheet: sheet, jobID: jobID)
            } catch {
                command = "(cannot render: \(error))"
            }
            lines += command.split(separator: "\n", omittingEmptySubsequences: false).map { "  | \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    /// Sheets in an order that respects dependencies (by number among the ready ones).
    static func topologicalOrder(_ sheets: [PlannedSheet]) -> [PlannedSheet] {
        var done = Set<Int>()
        var remaining = sheets
        var ordered: [PlannedSheet] = []
        while !remaining.isEmpty {
            guard let next = remaining.firstIndex(where: { $0.dependencies.allSatisfy(done.contains) }) else {
                return ordered + remaining
            }
            let sheet = remaining.remove(at: next)
            done.insert(sheet.number)
            ordered.append(sheet)
        }
        return ordered
    }
}
