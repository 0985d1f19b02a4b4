import Foundation
import MarianneProtocol

/// What `mzt status` shows of a job: its state, progress, times (time run and wall time
/// apart), command, holds, sheet table and last errors. Text from the job has its control
/// characters made visible on a terminal.
enum JobStatusView {
    static func render(_ status: JobStatusResult, palette: Palette, now: Date) -> String {
        let job = status.job
        var head = "\(job.jobID)  \(palette.status(job.status))" + (job.queuePosition.map { " (position \($0) in the queue)" } ?? "")
        if let label = job.label { head += "  [\(TerminalText.forStdout(label))]" }
        var lines = [head]
        if job.totalSheets > 0 {
            lines.append(Render.progressBar(done: job.completedSheets, total: job.totalSheets))
        } else {
            lines.append("module \(job.name)")
        }
        if let command = job.command { lines.append("command:   \(TerminalText.forStdout(command))") }
        lines.append("workspace: \(job.workspace)")
        if let group = job.group, group != "default" { lines.append("group:     \(group)") }
        if let after = job.after, !after.isEmpty { lines.append("waits for: \(Render.join(after, ", "))") }
        if let start = job.notBefore { lines.append("starts at: \(Render.time(start))") }
        lines.append(timing(status, now: now))
        if let error = job.error { lines.append("\(palette.paint("error:", .red)) \(TerminalText.forStdout(error))") }
        if let cost = status.costUSD {
            lines.append("tokens: \(status.inputTokens ?? 0) in, \(status.outputTokens ?? 0) out  cost: \(CFormat.string("$%.4f", cost))")
        }
        if !status.sheets.isEmpty {
            lines.append("")
            let slurm = status.sheets.contains { $0.slurmJobID != nil || $0.slurmState != nil }
            let rows = status.sheets.map { sheet -> [String] in
                let exit = sheet.exitCode.map(String.init) ?? sheet.signal.map { "sig \($0)" } ?? "-"
                let tokens = sheet.inputTokens.map { "\($0)/\(sheet.outputTokens ?? 0)" } ?? "-"
                let cost = sheet.costUSD.map { CFormat.string("$%.4f", $0) } ?? "-"
                let row = [
                    "\(sheet.number)", sheet.status.rawValue, "\(sheet.attempts)", Render.duration(sheetDuration(sheet, now: now)), exit,
                    sheet.instrument ?? "-", tokens, cost,
                ]
                return slurm ? row + [slurmCell(sheet)] : row
            }
            let header = ["SHEET", "STATUS", "ATTEMPTS", "DURATION", "EXIT", "INSTRUMENT", "TOKENS IN/OUT", "COST"] + (slurm ? ["SLURM"] : [])
            lines.append(Render.table(header, rows) { column, text in
                column == 1 ? SheetStatus(rawValue: text).map(palette.sheet) ?? text : text
            })
        }
        let failing = status.sheets.filter { $0.status == .failed || ($0.error != nil && $0.status != .completed) }
        for sheet in failing.suffix(3) {
            lines.append("")
            lines.append(TerminalText.forStdout("sheet \(sheet.number): \(sheet.error ?? sheet.status.rawValue)"))
            lines += Render.lastLines(sheet.stderrTail, 5).map { TerminalText.forStdout("  | \($0)") }
        }
        return Render.join(lines, "\n")
    }

    /// `started: 14:02:11  ran: 2m 10s  wall: 1h 5m  limit: 2h`: the time run counts only
    /// running (not paused, failed or queued); wall time is from the first start.
    static func timing(_ status: JobStatusResult, now: Date) -> String {
        let job = status.job
        let ran = job.runningSeconds ?? status.elapsedSeconds
        var text = "started: \(Render.time(job.startedAt))  ran: \(Render.duration(job.startedAt == nil ? nil : ran))"
        text += "  wall: \(Render.duration(job.duration(now: now)))"
        if let limit = status.maxDurationSeconds { text += "  limit: \(Render.duration(limit))" }
        return text
    }

    /// `123 RUNNING`, `124 PENDING (Resources)`, `-` for a sheet that runs locally.
    static func slurmCell(_ sheet: SheetSummary) -> String {
        guard sheet.slurmJobID != nil || sheet.slurmState != nil else { return "-" }
        var cell = Render.join([sheet.slurmJobID, sheet.slurmState].compactMap { $0 }, " ")
        if let reason = sheet.slurmReason { cell += " (\(reason))" }
        return cell
    }

    /// A sheet's duration: to now only while it runs; a sheet waiting again (after a restart
    /// or a retry) shows its last attempt's, or nothing.
    static func sheetDuration(_ sheet: SheetSummary, now: Date) -> Double? {
        guard let started = sheet.startedAt else { return nil }
        if sheet.status == .running { return max(0, now.timeIntervalSince(started)) }
        guard let finished = sheet.finishedAt, finished >= started else { return nil }
        return finished.timeIntervalSince(started)
    }
}
