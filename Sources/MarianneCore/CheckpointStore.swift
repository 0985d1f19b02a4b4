import CMarianneShims
import Foundation
import MarianneProtocol
import Synchronization

/// A checkpoint that cannot be read.
public struct CheckpointError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "checkpoint \(path) cannot be read: \(reason)" }
}

/// Reads and writes job checkpoints. A write never leaves half a file: it goes to another
/// file in the same directory, is fsynced, and takes the checkpoint's name in one step
/// (`writeAtomically`), so a reader (or a conductor started after a crash) sees the old or
/// the new checkpoint, whole.
public enum CheckpointStore {
    /// `<workspace>/.marianne/checkpoint-<id>.json`
    public static func path(workspace: String, jobID: String) -> String {
        (workspace as NSString).appendingPathComponent(".marianne/checkpoint-\(jobID).json")
    }


    /// Writes atomically. `durable: false` skips the fsyncs: still atomic for other readers
    /// and across a crash of the conductor, but not across a power loss (used for state
    /// that is only useful while the machine stays up, like the process group of an attempt).
    public static func write(_ checkpoint: JobCheckpoint, to path: String, durable: Bool = true, encoder: CheckpointEncoder? = nil) throws {
        // The workspace itself is never re-created: a workspace that vanished fails its job.
        let workspace = path.parentPath.parentPath
        var info = stat()
        guard stat(workspace, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw FileWriteError(description: "workspace \(workspace) no longer exists")
        }
        var whole = checkpoint
        whole.journalBase = nil
        let data = try (encoder ?? CheckpointEncoder()).encode(whole)
        try writeAtomically(data, to: path, durable: durable)
        // Its records no longer apply (the file names no journal); the file goes too.
        unlink(CheckpointJournal.path(checkpoint: path))
    }

    /// Reads a checkpoint, with the records of its journal applied. The files are not
    /// trusted: each must be a regular file of the conductor's user (never followed through
    /// a symlink), in a `.marianne` folder of that user, and no larger than `maxBytes`.
    public static func read(from path: String) throws -> JobCheckpoint {
        let data = try readOwnFile(path) ?? Data()
        let checkpoint: JobCheckpoint
        do {
            checkpoint = try JSONDecoder.wire.decode(JobCheckpoint.self, from: data)
        } catch {
            throw CheckpointError(path: path, reason: "corrupt or truncated JSON (\(Self.summary(error)))")
        }
        guard checkpoint.journalBase != nil, let journal = try readOwnFile(CheckpointJournal.path(checkpoint: path), optional: true) else {
            return checkpoint
        }
        return CheckpointJournal.apply(journal, to: checkpoint)
    }

    /// Largest checkpoint read back (a 100,000-sheet job writes about 30 MB).
    public static let maxBytes = 256 * 1024 * 1024

    /// The bytes of `path`, checked as `read(from:)` says; nil when `optional` and it does not exist.
    static func readOwnFile(_ path: String, optional: Bool = false) throws -> Data? {
        let directory = path.parentPath
        var folder = stat()
        if lstat(directory, &folder) == 0 {
            guard (folder.st_mode & S_IFMT) == S_IFDIR else {
                throw CheckpointError(path: path, reason: "\(directory) is not a directory (a symlink is refused)")
            }
            guard folder.st_uid == geteuid() else {
                throw CheckpointError(path: path, reason: "\(directory) belongs to uid \(folder.st_uid), not to the conductor's user; refusing it")
            }
        }
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            if optional, errno == ENOENT { return nil }
            let reason = errno == ELOOP ? "it is a symlink; refusing it" : errno == ENOENT ? "no such file" : String(cString: strerror(errno))
            throw CheckpointError(path: path, reason: reason)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw CheckpointError(path: path, reason: "not a regular file")
        }
        guard info.st_uid == geteuid() else {
            throw CheckpointError(path: path, reason: "it belongs to uid \(info.st_uid), not to the conductor's user; refusing it")
        }
        guard info.st_size <= maxBytes else {
            throw CheckpointError(path: path, reason: "larger than \(maxBytes / 1_048_576) MB")
        }
        var data = Data(count: Int(info.st_size))
        var offset = 0
        while offset < data.count {
            let count = data.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            offset += count
        }
        return data.prefix(offset)
    }

    static func summary(_ error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): return context.debugDescription
        case DecodingError.keyNotFound(let key, _): return "missing \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default: return "\(error)"
        }
    }

    /// `<checkpoint>.spare`: the file a checkpoint's next whole write is written to before the
    /// two names are exchanged; it holds the previous content, or a write that was cut short.
    /// Nothing reads it.
    public static func sparePath(of path: String) -> String { "\(path).spare" }

    /// Replaces `path` with `data` so that a reader, or a conductor started after a crash,
    /// sees the old or the new content, whole.
    ///
    /// A new file is written to a temp file, fsynced, renamed into place, and its directory
    /// fsynced. An existing one is replaced through its spare (`sparePath(of:)`): the new
    /// content is written over the spare, fsynced, and the two names are exchanged
    /// (`renameat2` with `RENAME_EXCHANGE`). Nothing is freed: on ext4 without a journal,
    /// every create passes over each inode of its group freed in the last minute (six while
    /// the inode table's block is dirty), and a rename over the old file freed one per write,
    /// so that creates of files slowed as jobs ran. Where
    /// the filesystem cannot exchange, the spare is renamed over the file instead.
    ///
    /// With `holdingReplaced`, a file the rename freed is returned still open (nil when none
    /// was): its blocks are freed only when the caller closes it. On a filesystem that
    /// discards freed blocks as they are freed, that is a wait of its own, which the caller
    /// can do after it has let its waiters go.
    @discardableResult
    public static func writeAtomically(_ data: Data, to path: String, durable: Bool = true, holdingReplaced: Bool = false) throws -> Int32? {
        try writeAtomically(data, to: path, durable: durable, holdingReplaced: holdingReplaced, exchanging: true)
    }

    /// `writeAtomically`, with the exchange through the spare optional (tests take the
    /// rename path with `exchanging: false`, as on a filesystem without exchange).
    static func writeAtomically(_ data: Data, to path: String, durable: Bool, holdingReplaced: Bool, exchanging: Bool) throws -> Int32? {
        let directory = path.parentPath
        try ensurePrivateDirectory(directory)
        // Replacing an existing file needs one fsync (of the new content); a new file's name
        // also needs the directory synced.
        let isNew = access(path, F_OK) != 0
        // One write at a time goes through a file's spare; a second write of the same file
        // meanwhile (there is none while each checkpoint has one writer) takes a temp file.
        let viaSpare = !isNew && exchanging && sparesInUse.withLock { $0.insert(path).inserted }
        defer {
            if viaSpare { _ = sparesInUse.withLock { $0.remove(path) } }
        }
        let staged = viaSpare ? sparePath(of: path) : "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = viaSpare ? openSpare(staged) : open(staged, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw posixError("cannot create \(staged)") }
        var ok = false
        defer {
            if !ok, !viaSpare { unlink(staged) }
        }
        do {
            defer { close(fd) }
            // Written over the spare's old content from its start, then cut to length: the
            // spare's blocks are reused rather than freed and allocated again.
            try data.withUnsafeBytes { try writeAll($0, to: fd, name: staged, at: 0) }
            if viaSpare, ftruncate(fd, off_t(data.count)) != 0 { throw posixError("cannot truncate \(staged)") }
            if durable, fsync(fd) != 0 { throw posixError("cannot fsync \(staged)") }
        }
        if viaSpare {
            if marianne_exchange_files(staged, path) == 0 { return nil }
            guard errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP else {
                throw posixError("cannot exchange \(staged) with \(path)")
            }
        }
        let replaced = holdingReplaced && !isNew ? open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1
        guard rename(staged, path) == 0 else {
            if replaced >= 0 { close(replaced) }
            throw posixError("cannot rename \(staged)")
        }
        ok = true
        if durable, isNew {
            let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if dirFD >= 0 {
                fsync(dirFD)
                close(dirFD)
            }
        }
        return replaced >= 0 ? replaced : nil
    }

    /// The files whose spare a write is using now.
    private static let sparesInUse = Mutex<Set<String>>([])

    /// Opens the spare for writing, creating it when missing. Anything at its name that is
    /// not a regular file of the conductor's user (a symlink is never followed) is removed
    /// first: the folder is private, so it can only be something of ours gone wrong.
    private static func openSpare(_ spare: String) -> Int32 {
        let fd = open(spare, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd >= 0 {
            var info = stat()
            if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_uid == geteuid(), info.st_nlink == 1 { return fd }
            close(fd)
        }
        unlink(spare)
        return open(spare, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
    }

    /// Creates `directory` 0700 when missing (its parent must exist); refuses a symlink or a
    /// folder of another user, and tightens one of ours that others can read.
    static func ensurePrivateDirectory(_ directory: String) throws {
        var info = stat()
        if lstat(directory, &info) != 0 {
            guard mkdir(directory, 0o700) == 0 || errno == EEXIST else { throw posixError("cannot create \(directory)") }
            guard lstat(directory, &info) == 0 else { throw posixError("cannot read \(directory)") }
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw FileWriteError(description: "\(directory) is not a directory (a symlink is refused)")
        }
        guard info.st_uid == geteuid() else {
            throw FileWriteError(description: "\(directory) belongs to uid \(info.st_uid), not to the conductor's user; refusing it")
        }
        if info.st_mode & 0o077 != 0 { chmod(directory, 0o700) }
    }

    /// Writes all of `buffer` to `fd` (again after a signal), at the file's offset or, with
    /// `at`, from that position; the error names `name`.
    public static func writeAll(_ buffer: UnsafeRawBufferPointer, to fd: Int32, name: String, at position: Int? = nil) throws {
        var offset = 0
        while offset < buffer.count {
            let written =
                if let position { pwrite(fd, buffer.baseAddress! + offset, buffer.count - offset, off_t(position + offset)) }
                else { Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw posixError("cannot write \(name)")
            }
            offset += written
        }
    }

    /// An error naming `what` failed, with the system's reason (`errno`).
    public static func posixError(_ what: String) -> Error {
        FileWriteError(description: "\(what): \(String(cString: strerror(errno)))")
    }
}

/// A file that could not be written, with the system's reason.
public struct FileWriteError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// A short hash of a config snapshot (FNV-1a, 64 bit, hex): it detects change, nothing more.
public enum ConfigHash {
    public static func of(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
