import Foundation
import MarianneCore

/// The plan `mzt submit --dry-run` prints for people: the job, then each sheet in an order
/// that respects dependencies, with its instrument, prompt (long ones shortened) and the
/// validations that apply to it.
public enum PlanPrinter {
    /// Prompt lines shown per sheet before the rest is summarized.
    static let promptLines = 40

    public static func render(_ loaded: LoadedScore, jobID: String) -> String {
        render(ScorePlan.make(loaded, jobID: jobID), loaded: loaded)
    }

    static func render(_ plan: ScorePlan, loaded: LoadedScore) -> String {
        let score = loaded.score
        var lines = [
            "job:       \(plan.jobID)",
            "score:     \(plan.name)" + (plan.path.map { " (\($0))" } ?? ""),
            "workspace: \(plan.workspace)",
            "instrument: \(plan.instrument) (each sheet's own below)",
            "sheets:    \(plan.totalSheets)" + (plan.totalStages != plan.totalSheets ? " in \(plan.totalStages) stages" : "")
                + (plan.maxConcurrent > 1 ? ", up to \(plan.maxConcurrent) at once" : ""),
        ]
        if score.retry.maxRetries > 0 {
            lines.append("retries:   \(score.retry.maxRetries), backoff from \(DurationFormatter.human(score.retry.baseDelaySeconds))")
        }
        if let limit = score.maxDurationSeconds { lines.append("limit:     \(DurationFormatter.human(limit))") }
        for problem in plan.runProblems { lines.append("cannot run: \(problem.message)" + (problem.hint.map { " (\($0))" } ?? "")) }
        for warning in plan.warnings where !plan.runProblems.contains(warning) { lines.append("warning:   \(warning)") }
        let byNumber = Dictionary(uniqueKeysWithValues: plan.sheets.map { ($0.number, $0) })
        for sheet in topologicalOrder(loaded.sheets) {
            guard let preview = byNumber[sheet.number] else { continue }
            lines.append("")
            lines += describe(preview)
        }
        return lines.joined(separator: "\n")
    }

    static func describe(_ sheet: SheetPreview) -> [String] {
        var header = "sheet \(sheet.number)"
        header += sheet.startItem == sheet.endItem ? " (item \(sheet.startItem))" : " (items \(sheet.startItem)-\(sheet.endItem))"
        if sheet.fanCount > 1 { header += " stage \(sheet.stage) instance \(sheet.instance)/\(sheet.fanCount)" }
        header += sheet.dependencies.isEmpty ? ", no dependencies" : ", after " + sheet.dependencies.map(String.init).joined(separator: ", ")
        var lines = [header]
        if let name = sheet.movementName { lines.append("  movement \(sheet.movement): \(name)") }
        if let description = sheet.description { lines.append("  description: \(description)") }
        var instrument = "  instrument: \(sheet.instrument)" + (sheet.instrumentAlias.map { " (as \($0))" } ?? "")
        if let model = sheet.model { instrument += ", model \(model)" }
        if let timeout = sheet.timeoutSeconds { instrument += ", timeout \(DurationFormatter.human(timeout))" }
        if !sheet.fallbacks.isEmpty { instrument += ", then " + sheet.fallbacks.joined(separator: ", ") }
        lines.append(instrument)
        if let command = sheet.command {
            lines.append("  runs: " + command.map { $0 == "<prompt>" ? $0 : ShellQuote.quote($0) }.joined(separator: " ") + (sheet.promptOnStdin == true ? " < prompt" : ""))
        }
        if let skip = sheet.skipWhen { lines.append("  skipped when: \(skip)") }
        if let command = sheet.skipWhenCommand {
            lines.append("  skipped when this exits 0: \(command.command.text)" + (command.description.map { " (\($0))" } ?? ""))
        }
        for note in sheet.injectionNotes { lines.append("  note: \(note)") }
        if let error = sheet.promptError {
            lines.append("  | (cannot render: \(error))")
        } else {
            let prompt = (sheet.prompt ?? "").split(separator: "\n", omittingEmptySubsequences: false)
            lines += prompt.prefix(promptLines).map { "  | \($0)" }
            if prompt.count > promptLines {
                lines.append("  | ... \(prompt.count - promptLines) more lines (mzt submit --dry-run --json shows the whole prompt)")
            }
        }
        for rule in sheet.validations where rule.applies {
            var text = "  check \(rule.index + 1) [stage \(rule.stage)] \(rule.type)"
            if let path = rule.path { text += " \(path)" }
            if let command = rule.command { text += " `\(command.text)`" }
            if let error = rule.pathError { text += " (cannot expand: \(error))" }
            if let description = rule.description { text += " - \(description)" }
            lines.append(text)
        }
        let skipped = sheet.validations.filter { !$0.applies }.count
        if skipped > 0 { lines.append("  (\(skipped) other validation\(skipped == 1 ? "" : "s") do not apply to this sheet)") }
        return lines
    }

    /// Sheets in an order that respects dependencies: the lowest-numbered ready sheet first.
    static func topologicalOrder(_ sheets: [PlannedSheet]) -> [PlannedSheet] {
        let byNumber = Dictionary(sheets.map { ($0.number, $0) }, uniquingKeysWith: { first, _ in first })
        var waiting: [Int: Int] = [:]
        var dependents: [Int: [Int]] = [:]
        for sheet in sheets {
            let deps = Set(sheet.dependencies).filter { byNumber[$0] != nil }
            waiting[sheet.number] = deps.count
            for dep in deps { dependents[dep, default: []].append(sheet.number) }
        }
        var ready = MinHeap(sheets.map(\.number).filter { waiting[$0] == 0 })
        var ordered: [PlannedSheet] = []
        while let number = ready.pop() {
            guard let sheet = byNumber[number] else { continue }
            ordered.append(sheet)
            for next in dependents[number] ?? [] {
                waiting[next, default: 1] -= 1
                if waiting[next] == 0 { ready.push(next) }
            }
        }
        let placed = Set(ordered.map(\.number))
        return ordered + sheets.filter { !placed.contains($0.number) }
    }
}
