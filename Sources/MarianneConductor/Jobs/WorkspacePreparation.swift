import Foundation
import MarianneCore
import MarianneProtocol

/// Makes a job's workspace ready, off the cooperative pool: a real directory (never a
/// symlink) the conductor can write, without signal files left by an earlier run.
enum WorkspacePreparation {
    static func prepare(_ path: String, jobID: String) async throws {
        try await OffPool.run { () throws -> Void in
            var info = stat()
            if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK {
                throw JobError.workspace("workspace \(path) is a symlink; refusing it (use the real directory)")
            }
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw JobError.workspace("workspace \(path) cannot be created: \(error.localizedDescription)")
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
    }
}
