import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt status ID`: progress, a sheet table and the last errors.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a job's progress, its sheets and its last errors."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The job id.")
    var jobID: String

    @Flag(help: "Redraw every second until the job ends.")
    var watch = false

    func run() async throws {
        try await global.withClient { client in
            while true {
                let status = try await client.call(RPCMethods.jobStatus, JobIDParams(jobID: jobID))
                if global.json {
                    print(TerminalText.jsonForStdout(Render.json(status)))
                } else {
                    if watch { print("\u{1B}[H\u{1B}[2J", terminator: "") }
                    print(TerminalText.forStdout(Self.render(status)))
                }
                guard watch, !status.job.status.isTerminal else { return }
                try await Task.sleep(nanoseconds: 1_000_000_000)
            }
        }
    }

    static func render(_ status: JobStatusResult) -> String {
        let job = status.job
        var lines = ["\(job.jobID)  \(job.status.rawValue)" + (job.queuePosition.map { " (position \($0) in the queue)" } ?? "")]
        lines.append(Render.progressBar(done: job.completedSheets, total: job.totalSheets))
        lines.append("workspace: \(job.workspace)")
        var timing = "started: \(Render.time(job.startedAt))  duration: \(Render.duration(job.duration()))"
        if let limit = status.maxDurationSeconds { timing += "  limit: \(Render.duration(limit))" }
        lines.append(timing)
        if let error = job.error { lines.append("error: \(error)") }
        if let cost = status.costUSD {
            lines.append("tokens: \(status.inputTokens ?? 0) in, \(status.outputTokens ?? 0) out  cost: \(String(format: "$%.4f", cost))")
        }
        if !status.sheets.isEmpty {
            lines.append("")
            let slurm = status.sheets.contains { $0.slurmJobID != nil || $0.slurmState != nil }
            let rows = status.sheets.map { sheet -> [String] in
                let duration = sheet.startedAt.map { (sheet.finishedAt ?? Date()).timeIntervalSince($0) }
                let exit = sheet.exitCode.map(String.init) ?? sheet.signal.map { "sig \($0)" } ?? "-"
                let tokens = sheet.inputTokens.map { "\($0)/\(sheet.outputTokens ?? 0)" } ?? "-"
                let cost = sheet.costUSD.map { String(format: "$%.4f", $0) } ?? "-"
                let row = ["\(sheet.number)", sheet.status.rawValue, "\(sheet.attempts)", Render.duration(duration), exit, sheet.instrument ?? "-", tokens, cost]
                return slurm ? row + [slurmCell(sheet)] : row
            }
            let headers = ["SHEET", "STATUS", "ATTEMPTS", "DURATION", "EXIT", "INSTRUMENT", "TOKENS IN/OUT", "COST"]
            lines.append(Render.table(headers + (slurm ? ["SLURM"] : []), rows))
        }
        let failing = status.sheets.filter { $0.status == .failed || ($0.error != nil && $0.status != .completed) }
        for sheet in failing.suffix(3) {
            lines.append("")
            lines.append("sheet \(sheet.number): \(sheet.error ?? sheet.status.rawValue)")
            lines += Render.lastLines(sheet.stderrTail, 5).map { "  | \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    /// `123 RUNNING`, `124 PENDING (Resources)`, `-` for a sheet that runs locally.
    static func slurmCell(_ sheet: SheetSummary) -> String {
        guard sheet.slurmJobID != nil || sheet.slurmState != nil else { return "-" }
        var cell = [sheet.slurmJobID, sheet.slurmState].compactMap { $0 }.joined(separator: " ")
        if let reason = sheet.slurmReason { cell += " (\(reason))" }
        return cell
    }
}
