import Foundation
import MarianneCore
import MarianneProtocol

/// Where runners report: the job log (entries and progress, stored together), the results
/// table, and follow-up submissions.
final class JobEvents: RunEvents, @unchecked Sendable {
    let log: JobLog
    let registry: Registry
    private let lock = NSLock()
    private var submitter: (@Sendable (SubmitParams) async throws -> SubmitResult)?
    private var followUps: [String: [FollowUp]] = [:]

    init(log: JobLog, registry: Registry) {
        self.log = log
        self.registry = registry
    }

    /// How `on_success: run_job` submits (set once the submission path exists).
    func setSubmitter(_ submit: @escaping @Sendable (SubmitParams) async throws -> SubmitResult) {
        lock.withLock { submitter = submit }
    }

    func log(_ jobID: String, level: String, message: String) {
        log.append(jobID, level: level, message: message)
    }

    func logBounded(_ jobID: String, level: String, message: String) async {
        await log.appendBounded(jobID, level: level, message: message)
    }

    func sheetEvent(_ jobID: String, level: String, message: String, progress: SheetProgress) {
        log.append(jobID, level: level, message: message, progress: progress)
    }

    func result(_ jobID: String, data: JSONValue) async {
        do {
            let seq = try await registry.appendResult(jobID, data: data)
            log.append(jobID, level: "DEBUG", message: "result \(seq) saved")
        } catch {
            log.append(jobID, level: "ERROR", message: "result could not be saved: \(error)")
        }
    }

    func chain(_ jobID: String, _ followUp: FollowUp) {
        lock.withLock { followUps[jobID, default: []].append(followUp) }
    }

    /// Submits what the job's hooks chained (after its row says `completed`); forgets them
    /// when the job did not complete.
    func releaseFollowUps(_ jobID: String, completed: Bool) async {
        let (pending, submit) = lock.withLock { (followUps.removeValue(forKey: jobID) ?? [], submitter) }
        guard completed, let submit else { return }
        for followUp in pending {
            do {
                let result = try await submit(SubmitParams(configPath: followUp.path, workspace: followUp.workspace, chainDepth: followUp.depth))
                log.append(jobID, level: "INFO", message: "on_success submitted job \(result.jobID) (chain depth \(followUp.depth))")
            } catch {
                log.append(jobID, level: "ERROR", message: "on_success run_job \(followUp.path) failed: \(error)")
            }
        }
    }
}
