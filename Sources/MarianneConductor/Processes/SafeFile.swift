import Foundation

/// Files the conductor creates in places others may be able to write (workspaces): never
/// through a planted symlink, private to the conductor's user.
public enum SafeFile {
    /// Creates or truncates `path` for writing (0600, `O_NOFOLLOW`). Its folder must exist
    /// (see `ensureDirectory`).
    public static func create(_ path: String, mode: mode_t = 0o600) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else {
            if errno == ELOOP { throw FileSafetyError(description: "\(path) is a symlink; refusing to write through it") }
            throw error("cannot create \(path)")
        }
        return fd
    }

    /// Makes sure every folder from `root` (exclusive, trusted) down to `path` is a real
    /// directory, creating the missing ones 0700; a symlink or a file on the way is refused.
    public static func ensureDirectory(_ path: String, under root: String) throws {
        let base = root.hasSuffix("/") ? String(root.dropLast()) : root
        guard path.hasPrefix(base + "/") else {
            throw FileSafetyError(description: "\(path) is not inside \(root)")
        }
        var current = base
        for component in path.dropFirst(base.count + 1).split(separator: "/") {
            current += "/" + component
            var info = stat()
            if lstat(current, &info) != 0 {
                guard mkdir(current, 0o700) == 0 || errno == EEXIST else { throw error("cannot create \(current)") }
                guard lstat(current, &info) == 0 else { throw error("cannot read \(current)") }
            }
            if (info.st_mode & S_IFMT) == S_IFLNK {
                throw FileSafetyError(description: "\(current) is a symlink; refusing to follow it")
            }
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw FileSafetyError(description: "\(current) is not a directory")
            }
        }
    }

    static func error(_ what: String) -> FileSafetyError {
        FileSafetyError(description: "\(what): \(String(cString: strerror(errno)))")
    }
}

/// A file or folder refused for safety (a symlink, another user's), or a system error.
public struct FileSafetyError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
