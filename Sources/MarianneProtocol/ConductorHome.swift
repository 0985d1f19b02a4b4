import Foundation

/// The conductor's own directory (`MZT_HOME`, default `~/.marianne`) and the files in it.
public struct ConductorHome: Sendable, Equatable {
    public var root: String

    public init(root: String) {
        self.root = root
    }

    /// `--home` if given, else `MZT_HOME`, else `~/.marianne`.
    public static func resolve(explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) -> ConductorHome {
        if let explicit, !explicit.isEmpty { return ConductorHome(root: absolute(explicit)) }
        if let env = environment["MZT_HOME"], !env.isEmpty { return ConductorHome(root: absolute(env)) }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return ConductorHome(root: (home as NSString).appendingPathComponent(".marianne"))
    }

    static func absolute(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return expanded.lexicallyNormalized }
        let cwd = FileManager.default.currentDirectoryPath
        return (cwd as NSString).appendingPathComponent(expanded).lexicallyNormalized
    }

    public var socketPath: String { path("conductor.sock") }
    public var pidPath: String { path("conductor.pid") }
    public var logPath: String { path("conductor.log") }
    public var registryPath: String { path("registry.sqlite") }
    public var settingsPath: String { path("conductor.yaml") }
    public var modulesPath: String { path("modules") }

    func path(_ name: String) -> String { (root as NSString).appendingPathComponent(name) }
}

extension String {
    /// The absolute path with `.`, `..` and repeated slashes removed, without resolving
    /// symlinks (so a symlink can still be seen, and refused, where it matters).
    public var lexicallyNormalized: String {
        var parts: [Substring] = []
        for part in split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
