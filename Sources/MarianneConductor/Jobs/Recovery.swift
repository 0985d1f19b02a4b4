import Foundation
import Logging
import MarianneCore
import MarianneProtocol

/// What a starting conductor does for the jobs the previous one left: every `running` or
/// `pending` job is resumed from its checkpoint (at-least-once: a sheet that was running
/// runs again, after its leftover processes are stopped; a sheet running as a Slurm job is
/// re-attached to it instead, see SLURM.md); paused jobs stay paused (their frozen
/// processes and Slurm jobs are stopped); a job whose checkpoint cannot be read fails
/// alone; a job that was running in two crashes of the conductor (traps, not kills) is not
/// resumed again.
struct Recovery: Sendable {
    let store: JobStore
    let log: JobLog
    let queue: JobQueue
    let crashNote: CrashNote
    let killGrace: Double
    let home: String
    let logger: Logger
    var slurm: SlurmService = .shared

    /// Crashes a job may be running in before it is no longer resumed.
    static let crashLimit = 2

    func run() async -> Int {
        let crashed = Set(crashNote.previousCrash())
        crashNote.arm()
        let rows: [JobRow]
        let paused: [JobRow]
        do {
            rows = try await store.registry.jobs(withStatus: [.running, .pending])
            paused = try await store.registry.jobs(withStatus: [.paused])
        } catch {
            logger.error("registry could not be read for recovery", metadata: ["error": "\(error)"])
            return 0
        }
        // What the dead conductor left running is stopped first, in one sweep, so two copies
        // of a sheet never run; then checkpoints are read for several jobs at once, and the
        // queue gets the jobs in their submission order.
        await LeftoverProcesses.stop(jobs: Set((rows + paused).map(\.id)), home: home, grace: killGrace, logger: logger)
        let recovered = await withTaskGroup(of: (Int, String?).self) { group in
            for row in rows {
                group.addTask { (row.seq, await self.recover(row, crashed: crashed.contains(row.id)) ? row.id : nil) }
            }
            var ready: [(Int, String)] = []
            for await (seq, id) in group { if let id { ready.append((seq, id)) } }
            return ready.sorted { $0.0 < $1.0 }.map(\.1)
        }
        for row in paused { await settlePaused(row) }
        for id in recovered { await queue.enqueue(id) }
        if !recovered.isEmpty { logger.info("interrupted jobs resumed", metadata: ["count": "\(recovered.count)"]) }
        return recovered.count
    }

    private func recover(_ row: JobRow, crashed: Bool) async -> Bool {
        await log.ensureBegun(row.id)
        if crashed {
            let count = row.crashCount + 1
            if count >= Self.crashLimit {
                let reason = "the conductor crashed \(count) times while this job ran; it is not resumed again automatically (fix the cause, then `mzt resume \(row.id)`)"
                _ = try? await store.transition(row.id, from: [.running, .pending], to: .failed, RowChanges(error: .some(reason), crashCount: count))
                if let checkpoint = try? await store.checkpoint(of: row) {
                    await SlurmLeftovers.cancel(in: checkpoint, client: slurm.client, logger: logger)
                }
                log.append(row.id, level: "ERROR", message: "job not recovered: \(reason)")
                log.hub.finish(row.id)
                return false
            }
            _ = try? await store.transition(row.id, from: [.running, .pending], to: row.jobStatus, RowChanges(crashCount: count))
            log.append(row.id, level: "WARNING", message: "the conductor crashed while this job ran (\(count) of \(Self.crashLimit - 1) allowed); resuming it")
        }
        do {
            var checkpoint = try await store.checkpoint(of: row)
            // A sheet running as a Slurm job stays running: its runner re-attaches to the job.
            for i in checkpoint.sheets.indices where checkpoint.sheets[i].status == .running && checkpoint.sheets[i].slurm == nil {
                checkpoint.sheets[i].status = .pending
            }
            for i in checkpoint.sheets.indices { checkpoint.sheets[i].processGroup = nil }
            checkpoint.status = .pending
            checkpoint.processGroups = nil
            try await store.save(checkpoint, of: row)
            guard try await store.transition(row.id, from: [.running, .pending], to: .pending, RowChanges(currentSheet: .some(nil))) else { return false }
            log.append(row.id, level: "INFO", message: "job recovered after a conductor restart; it resumes from its checkpoint")
            return true
        } catch {
            logger.error("job could not be recovered", metadata: ["job": "\(row.id)", "error": "\(error)"])
            let reason = "not recovered: \(error)"
            _ = try? await store.transition(row.id, from: [.running, .pending], to: .failed, RowChanges(error: .some(reason)))
            log.append(row.id, level: "ERROR", message: "job \(reason)")
            log.hub.finish(row.id)
            return false
        }
    }

    /// A job paused with `--now` kept its processes stopped; with its conductor gone they
    /// are stopped for good, and their sheets run again on resume.
    private func settlePaused(_ row: JobRow) async {
        guard var checkpoint = try? await store.checkpoint(of: row) else { return }
        guard checkpoint.sheets.contains(where: { $0.status == .running }) || checkpoint.processGroups != nil else { return }
        await SlurmLeftovers.cancel(in: checkpoint, client: slurm.client, logger: logger)
        for i in checkpoint.sheets.indices where checkpoint.sheets[i].status == .running {
            checkpoint.sheets[i].status = .pending
            checkpoint.sheets[i].processGroup = nil
        }
        checkpoint.processGroups = nil
        try? await store.save(checkpoint, of: row)
    }
}
