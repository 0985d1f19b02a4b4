import Foundation
import MarianneCore
import MarianneProtocol

/// Writes one running job's checkpoint, in order, off the cooperative pool. The runner
/// encodes (only the sheets that changed are re-encoded) and hands the bytes over; writes
/// of one job never overtake each other. A failed write is never silent: it is kept and the
/// runner stops the job with it (the one policy for every runner).
final class CheckpointWriter: @unchecked Sendable {
    let path: String
    /// The job's workspace (the checkpoint's folder is `<workspace>/.marianne`).
    private let workspace: String
    private let queue: DispatchQueue
    private let encoder = CheckpointEncoder()
    private let lock = NSLock()
    private var _failure: String?

    init(path: String) {
        self.path = path
        self.workspace = path.parentPath.parentPath
        self.queue = DispatchQueue(label: "marianne.checkpoint", qos: .utility)
    }

    /// The first write that failed, with the reason.
    var failure: String? { lock.withLock { _failure } }

    /// Queues a write and returns at once (for state only useful while the machine stays up).
    func enqueue(_ checkpoint: JobCheckpoint, durable: Bool) {
        guard let data = encode(checkpoint) else { return }
        queue.async { self.write(data, durable: durable).map { _ = close($0) } }
    }

    /// Writes and waits until the checkpoint (and every one queued before it) is on disk.
    /// Returns the failure, if this or an earlier write failed.
    @discardableResult
    func write(_ checkpoint: JobCheckpoint, durable: Bool = true) async -> String? {
        guard let data = encode(checkpoint) else { return failure }
        await withCheckedContinuation { continuation in
            queue.async {
                let replaced = self.write(data, durable: durable)
                continuation.resume()
                // The runner goes on while the old file's blocks are freed.
                if let replaced { close(replaced) }
            }
        }
        return failure
    }

    private func encode(_ checkpoint: JobCheckpoint) -> Data? {
        do {
            return try lock.withLock { try encoder.encode(checkpoint) }
        } catch {
            record("checkpoint could not be encoded: \(error)")
            return nil
        }
    }

    /// Writes `data`; returns the replaced file, still open, for the caller to close.
    private func write(_ data: Data, durable: Bool) -> Int32? {
        // The workspace itself is never re-created: a workspace that vanished fails its job.
        var info = stat()
        guard stat(workspace, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            record("checkpoint could not be written: workspace \(workspace) no longer exists")
            return nil
        }
        do {
            return try CheckpointStore.writeAtomically(data, to: path, durable: durable, holdingReplaced: true)
        } catch {
            record("checkpoint could not be written: \(error)")
            return nil
        }
    }

    private func record(_ failure: String) {
        lock.withLock {
            if _failure == nil { _failure = failure }
        }
    }
}
