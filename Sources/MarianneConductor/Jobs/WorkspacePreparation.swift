import Foundation
import MarianneCore
import MarianneProtocol

/// Makes a job's workspace ready, off the cooperative pool: a real directory (never a
/// symlink) the conductor can write, without signal files left by an earlier run.
enum WorkspacePreparation {
    static func prepare(_ path: String, jobID: String) async throws {
        try await OffPool.run { try prepareHere(path, jobID: jobID) }
    }

    /// The same for a caller already on a blocking-I/O thread.
    static func prepareHere(_ path: String, jobID: String) throws {
        var info = stat()
        if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK {
            throw JobError.workspace("workspace \(path) is a symlink; refusing it (use the real directory)")
        }
        if let problem = makeDirectories(path) {
            throw JobError.workspace("workspace \(path) cannot be created: \(problem); choose another with --workspace")
        }
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw JobError.workspace("workspace \(path) is not a directory")
        }
        guard access(path, W_OK) == 0 else {
            throw JobError.workspace("workspace \(path) cannot be written; choose another with --workspace")
        }
        let marianne = (path as NSString).appendingPathComponent(".marianne")
        if lstat(marianne, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw JobError.workspace("\(marianne) is not a directory (a symlink is refused); remove it")
            }
            guard info.st_uid == geteuid() else {
                throw JobError.workspace("\(marianne) belongs to uid \(info.st_uid), not to you; remove it or choose another workspace")
            }
        }
        // Signal files left from an earlier run must not pause or cancel the new one.
        unlink(WorkspaceFiles.pauseSignal(workspace: path, jobID: jobID))
        unlink(WorkspaceFiles.cancelSignal(workspace: path, jobID: jobID))
    }

    /// `mkdir -p`: nil when the directory exists afterwards, else what failed, in the
    /// system's words with the folder it failed in.
    static func makeDirectories(_ path: String) -> String? {
        var info = stat()
        if stat(path, &info) == 0 { return (info.st_mode & S_IFMT) == S_IFDIR ? nil : "\(path) exists and is not a directory" }
        let parent = (path as NSString).deletingLastPathComponent
        if parent != path, !parent.isEmpty, let problem = makeDirectories(parent) { return problem }
        if mkdir(path, 0o755) == 0 || errno == EEXIST { return nil }
        let code = errno
        return "\(String(cString: strerror(code))) (creating \((path as NSString).lastPathComponent) in \(parent.isEmpty ? "/" : parent))"
    }
}
