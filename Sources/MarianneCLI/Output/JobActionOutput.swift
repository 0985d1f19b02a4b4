import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// What pause and cancel print, after waiting for the job to settle when asked.
enum JobActionOutput {
    static func finish(
        _ result: JobActionResult, client: DaemonClient, global: GlobalOptions, wait: Bool, timeout: Double?, action: String
    ) async throws {
        var shown = result
        if wait {
            let waited = try await client.call(
                RPCMethods.jobWait, WaitParams(jobID: result.jobID, timeout: timeout),
                timeout: timeout.map { $0 + 5 } ?? .infinity
            )
            if waited.timedOut {
                Problem.error("\(result.jobID) did not \(action) within \(timeout ?? 0)s")
                throw ExitCode(ExitCodes.busy)
            }
            shown.status = waited.job.status
            shown.message = "\(result.jobID) \(waited.job.status.rawValue)"
        }
        print(global.json ? Render.json(shown) : shown.message)
    }
}
