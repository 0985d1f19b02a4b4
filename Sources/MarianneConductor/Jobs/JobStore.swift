import Foundation
import GRDB
import MarianneCore
import MarianneProtocol

/// The one owner of every job's registry row, and of the checkpoint of every job that has
/// no runner (a runner owns its job's checkpoint while it runs). Rows change only through
/// guarded transitions; checkpoints are read as untrusted input (their folder and file must
/// be the conductor user's, never a symlink) and what runs always comes from the registry.
final class JobStore: Sendable {
    let registry: Registry

    init(registry: Registry) {
        self.registry = registry
    }

    func find(_ id: String) async throws -> JobRow? {
        do { return try await registry.job(id) } catch { throw JobError.storage("the registry cannot be read: \(error)") }
    }

    func row(_ id: String) async throws -> JobRow {
        guard let row = try await find(id) else { throw JobError.notFound(id) }
        return row
    }

    /// The job's row with what listings add to it (queue options, time run), in one read.
    func rowWithDetails(_ id: String) async throws -> (row: JobRow, details: RowDetails) {
        let found: (row: JobRow, details: RowDetails)?
        do { found = try await registry.jobWithDetails(id) } catch { throw JobError.storage("the registry cannot be read: \(error)") }
        guard let found else { throw JobError.notFound(id) }
        return found
    }

    /// Inserts the job's row (and its queue options) and writes its first checkpoint, in one
    /// registry transaction: a checkpoint that cannot be written takes the row back with it,
    /// and an id whose job has not ended is refused before anything is written. With `log`,
    /// the job's first `entries` start its fresh history in the same transaction.
    func create(
        _ row: JobRow, checkpoint: JobCheckpoint, queue: JobQueueRow? = nil, log: JobLog? = nil, entries: [(level: String, message: String)] = []
    ) async throws {
        try await OffPool.run { try self.createBlocking(row, checkpoint: checkpoint, queue: queue, log: log, entries: entries) }
    }

    /// The same for a caller already on a blocking-I/O thread (never the cooperative pool):
    /// the transaction runs in the caller's thread once the writes before it are done.
    func createBlocking(
        _ row: JobRow, checkpoint: JobCheckpoint, queue: JobQueueRow? = nil, log: JobLog? = nil, entries: [(level: String, message: String)] = []
    ) throws {
        struct CheckpointFailure: Error { var error: any Error }
        let path = row.checkpointPath ?? CheckpointStore.path(workspace: row.workspace, jobID: row.id)
        let change: (Database) throws -> JobStatus? = { db in
            if let refused = try Registry.insert(row, db) { return refused }
            try queue?.save(db)
            // Not fsynced: a kill of the conductor cannot lose it (the page cache survives),
            // and a power loss before the first sheet ends loses nothing that has run.
            do { try CheckpointStore.write(checkpoint, to: path, durable: false) } catch { throw CheckpointFailure(error: error) }
            return nil
        }
        let refused: JobStatus?
        do {
            if let log {
                refused = try log.writeBlocking(row.id, restart: true, change) { refused in refused == nil ? entries : [] }
            } else {
                refused = try registry.writeBlocking(change)
            }
        } catch let failure as CheckpointFailure {
            throw JobError.workspace("workspace \(row.workspace) cannot be written: \(failure.error)")
        } catch {
            throw JobError.storage("the registry cannot be written (\(error)); nothing was submitted")
        }
        if let refused { throw JobError.alreadyActive(row.id, refused) }
    }

    /// Moves a job to `status` if it is still in one of `from`; false when it has moved on.
    @discardableResult
    func transition(_ id: String, from: Set<JobStatus>, to status: JobStatus, _ changes: RowChanges = .none) async throws -> Bool {
        let changes = Self.finishing(changes, status)
        do {
            return try await registry.transition(id, from: from, to: status, changes)
        } catch {
            throw JobError.storage("the registry cannot be written: \(error)")
        }
    }

    /// The same transition in one registry transaction with the log: after the entries
    /// waiting to be stored, and with the entries `entries` gives for whether it moved.
    @discardableResult
    func transition(
        _ id: String, from: Set<JobStatus>, to status: JobStatus, _ changes: RowChanges = .none, log: JobLog,
        entries: @escaping @Sendable (Bool) -> [(level: String, message: String)]
    ) async throws -> Bool {
        let changes = Self.finishing(changes, status)
        do {
            return try await log.write(id, { db in try Registry.transition(id, from: from, to: status, changes, db) }, then: entries)
        } catch {
            throw JobError.storage("the registry cannot be written: \(error)")
        }
    }

    /// A terminal status sets the time the job finished (unless given); any other but paused clears it.
    private static func finishing(_ changes: RowChanges, _ status: JobStatus) -> RowChanges {
        var changes = changes
        if status.isTerminal, changes.finishedAt == nil { changes.finishedAt = .some(Date().timeIntervalSince1970) }
        if !status.isTerminal, changes.finishedAt == nil, status != .paused { changes.finishedAt = .some(nil) }
        return changes
    }

    /// Where a job's checkpoint lives: derived from its workspace, never from the file.
    func checkpointPath(_ row: JobRow) -> String {
        CheckpointStore.path(workspace: row.workspace, jobID: row.id)
    }

    /// The job's checkpoint, checked to be the one of this job and workspace.
    func checkpoint(of row: JobRow) async throws -> JobCheckpoint {
        try await OffPool.run { try Self.readCheckpoint(of: row) }
    }

    /// The row, its details and its checkpoint (nil when it cannot be read) of a job that has
    /// no runner, in one step off the pool: what `job.status` shows of an idle job.
    func idleJob(_ id: String) async throws -> (row: JobRow, details: RowDetails, checkpoint: JobCheckpoint?) {
        let found: (row: JobRow, details: RowDetails, checkpoint: JobCheckpoint?)?
        do {
            found = try await registry.read { db in
                guard let row = try Registry.row(id, db) else { return nil }
                return (row, try Registry.details([id], db), try? Self.readCheckpoint(of: row))
            }
        } catch {
            throw JobError.storage("the registry cannot be read: \(error)")
        }
        guard let found else { throw JobError.notFound(id) }
        return found
    }

    /// Reads (blocking) the checkpoint of `row`, checked to be the one of this job and workspace.
    private static func readCheckpoint(of row: JobRow) throws -> JobCheckpoint {
        let path = CheckpointStore.path(workspace: row.workspace, jobID: row.id)
        let checkpoint: JobCheckpoint
        do {
            checkpoint = try CheckpointStore.read(from: path)
        } catch {
            throw JobError.checkpoint("\(error)")
        }
        guard checkpoint.jobID == row.id, checkpoint.workspace == row.workspace else {
            throw JobError.checkpoint("checkpoint \(path) is not the one of job \(row.id) in \(row.workspace); refusing it")
        }
        return checkpoint
    }

    /// Saves the checkpoint of a job that has no runner.
    func save(_ checkpoint: JobCheckpoint, of row: JobRow) async throws {
        let path = checkpointPath(row)
        do {
            try await OffPool.run { try CheckpointStore.write(checkpoint, to: path) }
        } catch {
            throw JobError.workspace("checkpoint \(path) cannot be written: \(error)")
        }
    }

    /// What the job runs: the snapshot in the registry (the checkpoint's copy is only trusted
    /// for rows written before the registry kept it, and only when the file is ours).
    func snapshot(of row: JobRow, checkpoint: JobCheckpoint) -> String {
        row.configSnapshot ?? checkpoint.configSnapshot
    }
}
