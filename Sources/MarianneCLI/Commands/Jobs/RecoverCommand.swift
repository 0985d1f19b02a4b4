import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt recover ID` (Marianne's): check the validations of failed sheets without running
/// them; those that pass are marked completed.
struct RecoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover",
        abstract: "Re-check failed sheets' validations without rerunning them; passing sheets become completed.",
        discussion: "For a sheet whose work was done although its command failed. When every sheet is then completed, the job is too. Exit 0 when every checked sheet passed, 1 otherwise."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job.", completion: .custom(Completions.jobIDs)) var jobID: String
    @Option(name: .shortAndLong, help: "Only this sheet (default: every failed sheet).") var sheet: Int?
    @Flag(name: [.customShort("n"), .customLong("dry-run")], help: "Only report; change nothing.") var dryRun = false

    func validate() throws {
        try NumericFlags.count(sheet, flag: "--sheet", in: 1...10_000_000)
    }

    func run() async throws {
        try await global.withClient { client in
            let result = try await client.call(RPCMethods.jobRecover, RecoverParams(jobID: jobID, sheet: sheet, dryRun: dryRun ? true : nil))
            if global.json {
                print(Render.json(result))
            } else {
                if result.sheets.isEmpty { print("\(jobID): no failed sheet to check") }
                for checked in result.sheets {
                    let verdict = checked.passed ? Palette.stdout.paint("passes", .green) : Palette.stdout.paint("fails", .red)
                    print("sheet \(checked.number): \(verdict)" + (checked.passed && !dryRun ? ", marked completed" : ""))
                    for failure in checked.failures { print("  - \(TerminalText.forStdout(failure))") }
                }
                if !dryRun, !result.recovered.isEmpty {
                    print("\(jobID) \(result.status.rawValue)" + (result.status == .completed ? "" : "; mzt resume \(jobID) runs the sheets left"))
                }
            }
            if result.sheets.contains(where: { !$0.passed }) { throw ExitCode(ExitCodes.failed) }
        }
    }
}
