import Foundation

/// The conductor's own directory (`MZT_HOME`, default `~/.marianne`) and the files in it.
public struct ConductorHome: Sendable, Equatable {
    public var root: String

    public init(root: String) {
        self.root = root
    }

    /// `--home` if given, else `MZT_HOME`, else `~/.marianne`; `environment` stands for the
    /// process's own when given.
    public static func resolve(explicit: String? = nil, environment: [String: String]? = nil) -> ConductorHome {
        let variable: (String) -> String? = environment.map { given in { given[$0] } } ?? ProcessEnvironment.value
        if let explicit, !explicit.isEmpty { return ConductorHome(root: absolute(explicit)) }
        if let env = variable("MZT_HOME"), !env.isEmpty { return ConductorHome(root: absolute(env)) }
        let home = variable("HOME") ?? NSHomeDirectory()
        return ConductorHome(root: (home as NSString).appendingPathComponent(".marianne"))
    }

    /// An absolute path is normalized without asking for the working directory.
    static func absolute(_ path: String) -> String {
        path.utf8.first == UInt8(ascii: "/") ? path.lexicallyNormalized : path.absolutePath(relativeTo: FileManager.default.currentDirectoryPath)
    }

    /// The pid of the conductor holding this home's pid-file lock, if one runs.
    public func runningPid() -> Int32? {
        let fd = open(pidPath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        return Self.readPid(fd)
    }

    /// The pid written in an open pid file.
    public static func readPid(_ fd: Int32) -> Int32 {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return 0 }
        return Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    public var socketPath: String { path("conductor.sock") }
    public var pidPath: String { path("conductor.pid") }
    public var logPath: String { path("conductor.log") }
    public var registryPath: String { path("registry.sqlite") }
    public var settingsPath: String { path("conductor.yaml") }
    public var modulesPath: String { path("modules") }
    /// The HTTP gateway's bearer token (0600).
    public var httpTokenPath: String { path("http.token") }

    public func path(_ name: String) -> String { (root as NSString).appendingPathComponent(name) }
}

extension String {
    /// This path made absolute against `base` (with `~` expanded), then lexically normalized.
    public func absolutePath(relativeTo base: String) -> String {
        let expanded = utf8.first == UInt8(ascii: "~") ? (self as NSString).expandingTildeInPath : self
        return (expanded.utf8.first == UInt8(ascii: "/") ? expanded : base + "/" + expanded).lexicallyNormalized
    }

    /// The path without its last component, as `NSString.deletingLastPathComponent` gives it
    /// ("/a/b/c" → "/a/b", "/a" → "/", "name" → ""), without going through Foundation.
    public var parentPath: String {
        var bytes = Array(utf8)
        while bytes.count > 1, bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        var end = slash
        while end > 0, bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
        return end == 0 ? "/" : String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// The absolute path with `.`, `..` and repeated slashes removed, without resolving
    /// symlinks (so a symlink can still be seen, and refused, where it matters).
    public var lexicallyNormalized: String {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        let bytes = Array(utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 1)
        var at = 0
        while at < bytes.count {
            while at < bytes.count, bytes[at] == slash { at += 1 }
            let start = at
            while at < bytes.count, bytes[at] != slash { at += 1 }
            switch at - start {
            case 0: continue
            case 1 where bytes[start] == dot: continue
            case 2 where bytes[start] == dot && bytes[start + 1] == dot:
                out.removeSubrange((out.lastIndex(of: slash) ?? 0)...)
            default:
                out.append(slash)
                out.append(contentsOf: bytes[start..<at])
            }
        }
        return out.isEmpty ? "/" : String(decoding: out, as: UTF8.self)
    }
}
