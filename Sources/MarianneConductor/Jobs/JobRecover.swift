import Foundation
import MarianneCore
import MarianneProtocol

/// `job.recover` (Marianne's `mzt recover`): checks the validations of a job's failed sheets
/// without running them again; a sheet whose validations all pass is marked completed (the
/// work was done, the attempt's exit code was not the whole truth). When every sheet is then
/// completed, the job is too. Only a job that is not running can be recovered.
struct JobRecover: Sendable {
    let store: JobStore
    let queue: JobQueue
    let log: JobLog
    let waiters: JobWaiters
    let killGrace: Double
    let home: String

    func recover(_ params: RecoverParams) async throws -> RecoverResult {
        let row = try await store.row(params.jobID)
        guard row.kind == "score" else { throw JobError.invalidParams("job \(row.id) runs a module; only score jobs have validations") }
        guard [.failed, .cancelled, .stopped, .paused].contains(row.jobStatus), await queue.liveJob(row.id) == nil else {
            throw JobError.invalidParams("job \(row.id) is \(row.status); only a failed, cancelled, stopped or paused job can be recovered")
        }
        var checkpoint = try await store.checkpoint(of: row)
        let loaded = try await JobStarter.parse(snapshot: store.snapshot(of: row, checkpoint: checkpoint), checkpoint: checkpoint)
        guard !loaded.score.validations.isEmpty else {
            throw JobError.invalidParams("the score of job \(row.id) has no validations; there is nothing to check (resume reruns the failed sheets)")
        }
        let chosen = checkpoint.sheets.filter { state in
            if let sheet = params.sheet { return state.number == sheet }
            return state.status == .failed
        }
        if let sheet = params.sheet, chosen.isEmpty { throw JobError.invalidParams("job \(row.id) has no sheet \(sheet)") }
        let attempt = SheetAttempt(jobID: row.id, loaded: loaded, killGrace: killGrace, baseEnvironment: LeftoverProcesses.baseEnvironment(home: home))
        let planned = Dictionary(loaded.sheets.map { ($0.number, $0) }, uniquingKeysWith: { first, _ in first })
        var checked: [RecoveredSheet] = []
        var recovered: [Int] = []
        for state in chosen {
            guard state.status != .completed, let sheet = planned[state.number] else { continue }
            let placeholders = SheetPlaceholders(loaded, sheet: sheet, jobID: row.id)
            let outcomes = await SheetValidations(attempt: attempt, sheet: sheet, placeholders: placeholders).run(mtimesBefore: [:])
            let failures = outcomes.filter { !$0.passed }.map { "\($0.description): \($0.message ?? "failed")" }
            checked.append(RecoveredSheet(number: state.number, passed: failures.isEmpty, failures: failures))
            if failures.isEmpty { recovered.append(state.number) }
        }
        guard params.dryRun != true, !recovered.isEmpty else {
            return RecoverResult(jobID: row.id, sheets: checked, recovered: params.dryRun == true ? [] : recovered, status: row.jobStatus)
        }
        for index in checkpoint.sheets.indices where recovered.contains(checkpoint.sheets[index].number) {
            checkpoint.sheets[index].status = .completed
            checkpoint.sheets[index].error = nil
            checkpoint.sheets[index].finishedAt = checkpoint.sheets[index].finishedAt ?? Date()
        }
        // Sheets skipped because a sheet before them failed can run now (on resume).
        for index in checkpoint.sheets.indices where checkpoint.sheets[index].status == .skipped
            && (checkpoint.sheets[index].error ?? "").hasSuffix("did not complete") {
            checkpoint.sheets[index].status = .pending
            checkpoint.sheets[index].error = nil
        }
        let done = checkpoint.sheets.filter { $0.status == .completed || $0.status == .skipped }.count
        let finished = done == checkpoint.sheets.count
        let status: JobStatus = finished ? .completed : row.jobStatus
        if finished {
            checkpoint.status = .completed
            checkpoint.error = nil
        }
        let changes = RowChanges(error: finished ? .some(nil) : nil, completedSheets: done)
        guard try await store.transition(row.id, from: [row.jobStatus], to: status, changes) else {
            throw JobError.invalidState(row.id, try await store.row(row.id).jobStatus, operation: .resume)
        }
        try await store.save(checkpoint, of: row)
        for number in recovered { log.append(row.id, level: "INFO", message: "sheet \(number) recovered: its validations pass") }
        if finished {
            log.append(row.id, level: "INFO", message: "job completed (recovered)")
            waiters.wake(row.id)
        }
        return RecoverResult(jobID: row.id, sheets: checked, recovered: recovered, status: status)
    }
}
