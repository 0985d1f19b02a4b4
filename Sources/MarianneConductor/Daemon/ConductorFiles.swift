import Foundation
import MarianneProtocol

/// A conductor that cannot start, with what to do about it.
public struct ConductorStartError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case alreadyRunning(pid: Int32)
        case unusableHome
        case socketPathTooLong
        case symlinkRefused
        case settings
        case httpGateway
    }

    public var kind: Kind
    public var description: String
}

/// Sets up the home directory, holds the pid file lock, and prepares the socket path.
struct ConductorFiles {
    let home: ConductorHome
    private(set) var pidFD: Int32 = -1

    /// `sun_path` holds 108 bytes with the terminating NUL.
    static let maxSocketPathBytes = 107

    init(home: ConductorHome) {
        self.home = home
    }

    /// Creates the home 0700 (tightening it if it exists), refusing a home owned by another user.
    func prepareHome() throws {
        do {
            try FileManager.default.createDirectory(atPath: home.root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ConductorStartError(kind: .unusableHome, description: "cannot create \(home.root): \(error.localizedDescription)")
        }
        var info = stat()
        guard lstat(home.root, &info) == 0 else {
            throw ConductorStartError(kind: .unusableHome, description: "cannot read \(home.root)")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw ConductorStartError(kind: .unusableHome, description: "\(home.root) is not a directory (a symlink is refused)")
        }
        guard info.st_uid == getuid() else {
            throw ConductorStartError(kind: .unusableHome, description: "\(home.root) belongs to uid \(info.st_uid), not to you; choose another MZT_HOME")
        }
        if info.st_mode & 0o077 != 0 { chmod(home.root, 0o700) }
        let socketBytes = home.socketPath.utf8.count
        guard socketBytes <= Self.maxSocketPathBytes else {
            throw ConductorStartError(
                kind: .socketPathTooLong,
                description: "socket path too long (\(socketBytes) bytes, limit \(Self.maxSocketPathBytes)): \(home.socketPath); use a shorter MZT_HOME"
            )
        }
    }

    static func isSymlink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    /// Takes the exclusive lock on the pid file and writes our pid; a held lock means another
    /// conductor runs on this home.
    mutating func lockPidFile() throws {
        let path = home.pidPath
        if Self.isSymlink(path) {
            throw ConductorStartError(kind: .symlinkRefused, description: "\(path) is a symlink; refusing to use it (remove it)")
        }
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ConductorStartError(kind: .unusableHome, description: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let pid = ConductorHome.readPid(fd)
            close(fd)
            throw ConductorStartError(kind: .alreadyRunning(pid: pid), description: "conductor already running (pid \(pid))")
        }
        let text = "\(getpid())\n"
        ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        fsync(fd)
        pidFD = fd
    }

    /// We hold the lock, so a socket file left there belongs to a dead conductor.
    func clearStaleSocket() throws {
        let path = home.socketPath
        if Self.isSymlink(path) {
            throw ConductorStartError(kind: .symlinkRefused, description: "\(path) is a symlink; refusing to use it (remove it)")
        }
        if FileManager.default.fileExists(atPath: path) { unlink(path) }
    }

    /// Removes the socket and the pid file, then releases the lock.
    func release() {
        unlink(home.socketPath)
        if pidFD >= 0 {
            unlink(home.pidPath)
            flock(pidFD, LOCK_UN)
            close(pidFD)
        }
    }
}
