import Foundation

/// `pause --now` for Slurm jobs: `scontrol suspend` stops a running job's processes where
/// the cluster lets this user do it (suspending needs a Slurm operator or administrator);
/// a job still waiting is held instead (`scontrol hold`), so it does not start. Resuming
/// undoes either. Jobs that cannot be stopped are named in the job log.
enum SlurmSuspension {
    static func apply(_ frozen: Bool, to jobs: [Int: String], client: SlurmClient, log: @Sendable (String) -> Void) async {
        for (sheet, id) in jobs.sorted(by: { $0.key < $1.key }) {
            if frozen {
                guard let refusal = await client.control("suspend", id) else { continue }
                // A pending job cannot be suspended, only held.
                if await client.control("hold", id) == nil { continue }
                log("sheet \(sheet): Slurm job \(id) keeps running: \(refusal) (scontrol suspend needs a Slurm operator or administrator)")
            } else {
                // One of the two applies; the other answers that the job is not suspended (or not held).
                let resumed = await client.control("resume", id)
                _ = await client.control("release", id)
                if let resumed, !resumed.contains("not suspended"), !resumed.contains("pending execution") {
                    log("sheet \(sheet): Slurm job \(id) could not be resumed: \(resumed)")
                }
            }
        }
    }
}
