import Foundation
import Logging
import MarianneCore

/// Slurm jobs a job's checkpoint records for sheets that were running, when they must not
/// run on: the job will not be resumed by its runner (it failed at recovery, or it was
/// paused with `--now` when its conductor went away). Each is cancelled only if Slurm
/// still knows it under the attempt's comment.
enum SlurmLeftovers {
    static func cancel(in checkpoint: JobCheckpoint, client: SlurmClient, logger: Logger) async {
        let records = checkpoint.sheets.filter { $0.status == .running }.compactMap(\.slurm).filter { $0.jobID != nil }
        guard !records.isEmpty else { return }
        let ids = records.compactMap(\.jobID)
        guard let known = await client.queue(ids) else {
            logger.warning("slurm jobs of a job not resumed could not be checked", metadata: ["job": "\(checkpoint.jobID)", "slurm_jobs": "\(ids.joined(separator: ","))"])
            return
        }
        for record in records {
            guard let id = record.jobID, let status = known.first(where: { $0.jobID == id && $0.comment == record.comment }), !status.state.isFinal else { continue }
            logger.warning("cancelling slurm job of a job not resumed", metadata: ["job": "\(checkpoint.jobID)", "slurm_job": "\(id)"])
            await client.cancel(id)
        }
    }
}
