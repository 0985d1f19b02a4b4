import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt errors ID` (Marianne's): a job's errors by sheet: each failed attempt, typed
/// `permanent` (the sheet gave up), `transient` (a retry followed) or `rate_limit`.
struct ErrorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "errors",
        abstract: "List a job's errors by sheet: each failed attempt and why.",
        discussion: "Permanent errors are red, transient ones (a retry followed) yellow, rate limits blue. --verbose adds the last lines each failed sheet wrote to standard error. Exit 0 whether or not there are errors."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job.", completion: .custom(Completions.jobIDs)) var jobID: String
    @Option(name: [.customShort("b"), .long], help: "Only this sheet.") var sheet: Int?
    @Option(name: [.customShort("t"), .customLong("type")], help: "Only this type of error.") var errorType: ErrorType?
    @Flag(name: [.customShort("V"), .long], help: "Also the standard error lines of failed sheets.") var verbose = false

    enum ErrorType: String, CaseIterable, ExpressibleByArgument {
        case transient, permanent
        case rateLimit = "rate_limit"
    }

    struct Report: Encodable {
        var jobID: String
        var status: JobStatus
        var error: String?
        var errors: [AttemptRecord]
        var stderr: [String: String]

        enum CodingKeys: String, CodingKey {
            case status, error, errors, stderr
            case jobID = "job_id"
        }
    }

    func validate() throws {
        try NumericFlags.count(sheet, flag: "--sheet", in: 1...10_000_000)
    }

    func run() async throws {
        try await global.withClient { client in
            let status = try await client.call(RPCMethods.jobStatus, JobIDParams(jobID: jobID))
            let all = try await client.call(RPCMethods.jobLogs, LogsParams(jobID: jobID))
            let errors = AttemptHistory.records(all.entries).filter { record in
                record.outcome == "failed" && (sheet == nil || record.sheet == sheet) && (errorType == nil || record.errorType == errorType?.rawValue)
            }
            var tails: [String: String] = [:]
            for state in status.sheets where state.status == .failed && (sheet == nil || state.number == sheet) {
                if let tail = state.stderrTail, !tail.isEmpty { tails["\(state.number)"] = tail }
            }
            if global.json {
                print(TerminalText.jsonForStdout(Render.json(Report(jobID: jobID, status: status.job.status, error: status.job.error, errors: errors, stderr: tails))))
                return
            }
            let palette = Palette.stdout
            if let error = status.job.error { print("\(jobID) \(palette.status(status.job.status)): \(TerminalText.forStdout(error))") }
            guard !errors.isEmpty else {
                print("\(jobID): no sheet errors")
                return
            }
            for number in Array(Set(errors.map(\.sheet))).sorted() {
                print("sheet \(number):")
                for record in errors where record.sheet == number {
                    let type = record.errorType ?? "transient"
                    let colour: Palette.Colour = type == "permanent" ? .red : type == "rate_limit" ? .blue : .yellow
                    print("  attempt \(record.attempt) \(palette.paint(type, colour)) \(Render.time(record.finishedAt)): \(TerminalText.forStdout(record.error ?? ""))")
                }
                if verbose, let tail = tails["\(number)"] {
                    for line in Render.lastLines(tail, 10) { print(TerminalText.forStdout("    | \(line)")) }
                }
            }
        }
    }
}
