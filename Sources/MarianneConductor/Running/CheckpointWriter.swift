import Foundation
import MarianneCore
import MarianneProtocol

/// Writes one running job's checkpoint, in order, off the cooperative pool. The runner
/// encodes (only the sheets that changed are re-encoded) and hands the bytes over; writes
/// of one job never overtake each other. A failed write is never silent: it is kept and the
/// runner stops the job with it (the one policy for every runner).
///
/// A checkpoint of `journalFrom` bytes or more is not rewritten whole while its job runs:
/// each change is a record appended to its journal (`CheckpointJournal`), and the file is
/// rewritten whole (compacted) once the journal has grown as large as the file, and when
/// the run ends. So a sheet costs the same in a 1000-sheet score as in a 10-sheet one.
///
/// A whole write queued by `enqueue` that has not started when the next whole write is
/// queued is moot, and skipped: the next one holds everything it held (for a fast sheet,
/// the attempt's start is written with its end). A durable one is skipped only for a
/// durable one; a journal record is never skipped (the records after it build on it).
final class CheckpointWriter: @unchecked Sendable {
    let path: String
    /// The job's workspace (the checkpoint's folder is `<workspace>/.marianne`).
    private let workspace: String
    private let journalPath: String
    private let queue: DispatchQueue
    private let encoder = CheckpointEncoder()
    private let lock = NSLock()
    private var _failure: String?
    // Under `lock`, as the writes are encoded: the generation of the file last written
    // whole, its size, and the bytes appended to its journal since.
    private var base: String?
    private var baseBytes = 0
    private var journalBytes = 0
    /// The last whole write queued by `enqueue` and not yet performed.
    private var skippable: Ticket?
    // On `queue`: the open journal, whether its name is on disk, whether one may exist.
    private var journalFD: Int32 = -1
    private var journalNameSynced = false
    private var journalMayExist = true

    /// The size from which a running job's checkpoint is journaled instead of rewritten.
    static let journalFrom = 16 * 1024

    /// One write, as encoded: the whole file, or a record for its journal.
    private enum Write {
        case whole(Data)
        case record([UInt8])

        var isWhole: Bool {
            if case .whole = self { return true }
            return false
        }
    }

    /// A queued whole write that a later one can make moot (read and set under `lock`).
    private final class Ticket: @unchecked Sendable {
        let durable: Bool
        var moot = false

        init(durable: Bool) { self.durable = durable }
    }

    /// How many queued writes were skipped as moot (for tests and figures).
    var skippedWrites: Int { lock.withLock { _skipped } }
    private var _skipped = 0

    /// `queue`: the serial queue the writes run on (a new one unless a test gives its own).
    init(path: String, queue: DispatchQueue? = nil) {
        self.path = path
        self.workspace = path.parentPath.parentPath
        self.journalPath = CheckpointJournal.path(checkpoint: path)
        self.queue = queue ?? DispatchQueue(label: "marianne.checkpoint", qos: .utility)
    }

    deinit {
        if journalFD >= 0 { close(journalFD) }
    }

    /// The first write that failed, with the reason.
    var failure: String? { lock.withLock { _failure } }

    /// Queues a write and returns at once (for state only useful while the machine stays up).
    func enqueue(_ checkpoint: JobCheckpoint, durable: Bool) {
        guard let (write, ticket) = encode(checkpoint, durable: durable, skippable: true) else { return }
        queue.async {
            if let ticket {
                let moot: Bool = self.lock.withLock {
                    if self.skippable === ticket { self.skippable = nil }
                    if ticket.moot { self._skipped += 1 }
                    return ticket.moot
                }
                if moot { return }
            }
            self.perform(write, durable: durable).map { _ = close($0) }
        }
    }

    /// Writes and waits until the checkpoint (and every one queued before it) is on disk.
    /// Returns the failure, if this or an earlier write failed.
    @discardableResult
    func write(_ checkpoint: JobCheckpoint, durable: Bool = true) async -> String? {
        guard let (write, _) = encode(checkpoint, durable: durable, skippable: false) else { return failure }
        await withCheckedContinuation { continuation in
            queue.async {
                let replaced = self.perform(write, durable: durable)
                continuation.resume()
                // The runner goes on while the old file's blocks are freed.
                if let replaced { close(replaced) }
            }
        }
        return failure
    }

    /// Encodes `checkpoint` and marks the write queued before it moot when both are whole
    /// (and it was not durable, or this one is); with `skippable`, returns the ticket by which
    /// a later write can do the same to this one.
    private func encode(_ checkpoint: JobCheckpoint, durable: Bool, skippable canSkip: Bool) -> (Write, Ticket?)? {
        do {
            return try lock.withLock {
                let write: Write
                if let base, checkpoint.status == .running, baseBytes >= Self.journalFrom, journalBytes < baseBytes,
                    let record = try encoder.record(checkpoint, base: base)
                {
                    journalBytes += record.count
                    write = .record(record)
                } else {
                    var whole = checkpoint
                    whole.journalBase = String(UInt64.random(in: 0...UInt64.max), radix: 16)
                    let data = try encoder.encode(whole)
                    (base, baseBytes, journalBytes) = (whole.journalBase, data.count, 0)
                    write = .whole(data)
                }
                if let previous = skippable, write.isWhole, !previous.durable || durable { previous.moot = true }
                skippable = canSkip && write.isWhole ? Ticket(durable: durable) : nil
                return (write, skippable)
            }
        } catch {
            record("checkpoint could not be encoded: \(error)")
            return nil
        }
    }

    /// Performs `write`; returns the file a whole write replaced, still open, for the caller
    /// to close.
    private func perform(_ write: Write, durable: Bool) -> Int32? {
        // The workspace itself is never re-created: a workspace that vanished fails its job.
        var info = stat()
        guard stat(workspace, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            record("checkpoint could not be written: workspace \(workspace) no longer exists")
            return nil
        }
        do {
            switch write {
            case .whole(let data):
                let replaced = try CheckpointStore.writeAtomically(data, to: path, durable: durable, holdingReplaced: true)
                // The new file's generation makes every record of the old one inert.
                if journalFD >= 0 {
                    close(journalFD)
                    journalFD = -1
                }
                if journalMayExist {
                    unlink(journalPath)
                    (journalMayExist, journalNameSynced) = (false, false)
                }
                return replaced
            case .record(let bytes):
                try append(bytes, durable: durable)
                return nil
            }
        } catch {
            record("checkpoint could not be written: \(error)")
            return nil
        }
    }

    private func append(_ bytes: [UInt8], durable: Bool) throws {
        if journalFD < 0 {
            journalFD = open(journalPath, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard journalFD >= 0 else { throw CheckpointStore.posixError("cannot open \(journalPath)") }
            journalMayExist = true
        }
        try bytes.withUnsafeBytes { try CheckpointStore.writeAll($0, to: journalFD, name: journalPath) }
        guard durable else { return }
        guard fdatasync(journalFD) == 0 else { throw CheckpointStore.posixError("cannot fsync \(journalPath)") }
        if !journalNameSynced {
            let directory = open(path.parentPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if directory >= 0 {
                fsync(directory)
                close(directory)
            }
            journalNameSynced = true
        }
    }

    private func record(_ failure: String) {
        lock.withLock {
            if _failure == nil { _failure = failure }
        }
    }
}
