import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt diagnose ID` (Marianne's): one report of why a job is where it is: its state and
/// times, the failing sheets with their errors and stderr, the attempts, the last warnings,
/// and where its files are.
struct DiagnoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "A diagnostic report of a job: state, errors, attempts, log and files.",
        discussion: "With --include-logs, the last 50 lines of each failed sheet's output files are included."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job.", completion: .custom(Completions.jobIDs)) var jobID: String
    @Flag(name: .customLong("include-logs"), help: "Include the end of failed sheets' output files.") var includeLogs = false

    struct Report: Encodable {
        var job: JobStatusResult
        var diagnosis: [String]
        var attempts: [AttemptRecord]
        var warnings: [LogEntry]
        var files: [String: Int]
        var output: [OutputChunk]?
    }

    func run() async throws {
        try await global.withClient { client in
            let status = try await client.call(RPCMethods.jobStatus, JobIDParams(jobID: jobID))
            let log = try await client.call(RPCMethods.jobLogs, LogsParams(jobID: jobID))
            let attempts = AttemptHistory.records(log.entries)
            let files = try await client.call(RPCMethods.jobOutput, OutputParams(jobID: jobID, tailLines: 0)).cursor
            var output: [OutputChunk]?
            if includeLogs {
                output = []
                for sheet in status.sheets where sheet.status == .failed {
                    output? += try await client.call(RPCMethods.jobOutput, OutputParams(jobID: jobID, sheet: sheet.number, tailLines: 50)).chunks
                }
            }
            let report = Report(
                job: status, diagnosis: Self.diagnosis(status, attempts: attempts),
                attempts: attempts, warnings: Array(log.entries.filter { LogEntry.rank($0.level) >= 2 }.suffix(20)), files: files, output: output
            )
            print(global.json ? TerminalText.jsonForStdout(Render.json(report)) : Self.render(report))
        }
    }

    /// Plain sentences: what happened and what to do.
    static func diagnosis(_ status: JobStatusResult, attempts: [AttemptRecord]) -> [String] {
        let job = status.job
        var lines: [String] = []
        let failed = status.sheets.filter { $0.status == .failed }
        switch job.status {
        case .completed: lines.append("the job completed: every sheet ran and passed its validations")
        case .running: lines.append("the job is running (sheet \(job.currentSheet.map(String.init) ?? "-") of \(job.totalSheets))")
        case .pending:
            if let after = job.after, !after.isEmpty { lines.append("the job waits for \(after.joined(separator: ", ")) to complete") }
            else if let start = job.notBefore { lines.append("the job is delayed until \(Render.time(start))") }
            else { lines.append("the job waits for a free slot in its group (mzt group list; mzt parallel N raises the limit)") }
        case .paused: lines.append("the job is paused; mzt resume \(job.jobID) continues it")
        case .cancelled: lines.append("the job was cancelled; mzt resume \(job.jobID) continues it from its checkpoint")
        case .stopped: lines.append("the job was stopped: \(job.error ?? "its duration limit or a shutdown"); mzt resume \(job.jobID) continues it")
        case .failed:
            lines.append("the job failed: \(job.error ?? "a sheet failed")")
            for sheet in failed {
                let tries = attempts.filter { $0.sheet == sheet.number }.count
                var text = "sheet \(sheet.number) failed after \(max(tries, sheet.attempts)) attempt(s)"
                if let code = sheet.exitCode { text += ", exit code \(code)" }
                if let signal = sheet.signal { text += ", killed by signal \(signal)" }
                if let error = sheet.error { text += ": \(error)" }
                lines.append(text)
                if sheet.error?.contains("validation") == true {
                    lines.append("if the work was done anyway, mzt recover \(job.jobID) re-checks the validations without rerunning")
                }
            }
            lines.append("after fixing the cause: mzt resume \(job.jobID) reruns the failed sheets (mzt modify changes the score)")
        }
        return lines
    }

    static func render(_ report: Report) -> String {
        var lines = [JobStatusView.render(report.job, palette: .stdout, now: Date()), "", "diagnosis:"]
        lines += report.diagnosis.map { TerminalText.forStdout("  - \($0)") }
        if !report.attempts.isEmpty {
            lines += ["", "attempts:"]
            for record in report.attempts.suffix(20) {
                lines.append(TerminalText.forStdout("  sheet \(record.sheet) attempt \(record.attempt): \(record.outcome) \(Render.duration(record.duration))" + (record.error.map { " - \($0)" } ?? "")))
            }
        }
        if !report.warnings.isEmpty {
            lines += ["", "last warnings and errors:"]
            lines += report.warnings.map { TerminalText.forStdout("  \(Render.time($0.timestamp)) \($0.level) \($0.message)") }
        }
        lines += ["", "files:", "  workspace: \(report.job.job.workspace)"]
        if let checkpoint = report.job.job.checkpointPath { lines.append("  checkpoint: \(checkpoint)") }
        for (name, size) in report.files.sorted(by: { $0.key < $1.key }) { lines.append("  .marianne/logs/\(report.job.job.jobID)/\(name) (\(size) bytes)") }
        for chunk in report.output ?? [] {
            lines += ["", OutputPrinter.header(chunk)]
            lines.append(TerminalText.forStdout(chunk.text.hasSuffix("\n") ? String(chunk.text.dropLast()) : chunk.text))
        }
        return lines.joined(separator: "\n")
    }
}
