import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt history ID` (Marianne's): every attempt of every sheet, with its time and outcome.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show every attempt of a job's sheets: when, how long, how it ended.",
        discussion: "Read from the job's log (the entries of a run that was replaced by a new submission under the same id are gone with it)."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job.", completion: .custom(Completions.jobIDs)) var jobID: String
    @Option(name: [.customShort("b"), .long], help: "Only this sheet.") var sheet: Int?
    @Option(name: [.customShort("n"), .long], help: "At most this many attempts (the latest).") var limit = 50

    func validate() throws {
        try NumericFlags.count(sheet, flag: "--sheet", in: 1...10_000_000)
        try NumericFlags.count(limit, flag: "--limit", in: 1...1_000_000)
    }

    func run() async throws {
        try await global.withClient { client in
            let log = try await client.call(RPCMethods.jobLogs, LogsParams(jobID: jobID))
            let records = Array(AttemptHistory.records(log.entries).filter { sheet == nil || $0.sheet == sheet }.suffix(limit))
            if global.json {
                print(TerminalText.jsonForStdout(Render.json(records)))
                return
            }
            guard !records.isEmpty else {
                print("\(jobID): no attempts yet")
                return
            }
            let rows = records.map { record in
                ["\(record.sheet)", "\(record.attempt)", Render.time(record.startedAt), Render.duration(record.duration), record.outcome,
                 TerminalText.forStdout(record.error ?? "")]
            }
            print(Render.table(["SHEET", "ATTEMPT", "STARTED", "DURATION", "RESULT", "ERROR"], rows, width: Terminal.width, shrink: 5) { column, text in
                guard column == 4 else { return text }
                return text == "completed" ? Palette.stdout.paint(text, .green) : text == "failed" ? Palette.stdout.paint(text, .red) : text
            })
        }
    }
}
