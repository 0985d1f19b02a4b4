import Foundation
import MarianneCore
import MarianneProtocol

/// Whether a sheet's own rules skip it, before its first attempt: `skip_when` (an
/// expression over the earlier sheets and the job) and `skip_when_command` (exit 0
/// skips). Both fail open: an expression that cannot be evaluated, a command that fails,
/// times out or cannot start all run the sheet.
struct SkipCheck: Sendable {
    let jobID: String
    let loaded: LoadedScore
    let attempt: any SheetAttempting
    let events: RunEvents

    /// Why the sheet is skipped, or nil to run it.
    func reason(_ sheet: PlannedSheet, states: [SheetState], job: JobCheckpoint) async -> String? {
        if let expression = SkipRules.expression(forSheet: sheet.number, in: loaded.score) {
            switch SkipRules.evaluate(expression, states: states, job: job) {
            case .skip: return "skip_when \(expression)"
            case .run: break
            case .runAfterError(let error):
                events.log(jobID, level: "WARNING", message: "sheet \(sheet.number): skip_when could not be evaluated (\(error)); running the sheet")
            }
        }
        guard let rule = SkipRules.command(forSheet: sheet, in: loaded, jobID: jobID) else { return nil }
        var environment = attempt.baseEnvironment
        environment.merge(rule.command.environment) { $1 }
        environment["MZT_JOB_ID"] = jobID
        environment["MZT_SHEET_NUM"] = String(sheet.number)
        environment["MZT_WORKSPACE"] = loaded.workspace
        let spec = ProcessSpec(
            executable: "/bin/bash", arguments: ["-c", rule.command.text], environment: environment,
            workingDirectory: rule.workingDirectory, stdin: .null, stdout: .null, stderr: .null
        )
        do {
            let outcome = try await ProcessRunner.run(spec, timeout: rule.timeoutSeconds, grace: attempt.killGrace)
            guard SkipRules.skips(exitCode: outcome.status.exitCode, timedOut: outcome.timedOut) else { return nil }
            return "skip_when_command " + (rule.description.map { "(\($0))" } ?? rule.command.text)
        } catch {
            events.log(jobID, level: "WARNING", message: "sheet \(sheet.number): skip_when_command could not start (\(error)); running the sheet")
            return nil
        }
    }
}
