import Foundation
import MarianneProtocol

/// The conductor as a process: is it running, and starting it in the background.
public enum ConductorProcess {
    /// The pid of the conductor holding the home's pid-file lock, if one runs.
    public static func runningPid(home: ConductorHome) -> Int32? {
        home.runningPid()
    }

    /// True while `pid` runs (a zombie counts as gone).
    public static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else {
            return true
        }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first != "Z"
    }

    /// `mzt-conductor` next to the running executable.
    public static var executable: String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return ((me as NSString).deletingLastPathComponent as NSString).appendingPathComponent("mzt-conductor")
    }

    /// Starts the conductor in a new session, detached from the terminal: stdin from
    /// /dev/null, output appended to conductor.log, no other descriptor inherited.
    public static func spawnDetached(home: ConductorHome, arguments: [String] = []) throws -> Int32 {
        let executable = Self.executable
        guard access(executable, X_OK) == 0 else {
            throw ConfigPathError(description: "\(executable) is missing; install mzt-conductor next to mzt")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, home.logPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        if let closefrom = closefromFunction { _ = closefrom(&actions, 3) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // POSIX_SPAWN_SETSID (glibc 2.26+): the conductor leads its own session.
        posix_spawnattr_setflags(&attributes, Int16(0x80 | POSIX_SPAWN_SETSIGMASK))
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var environment = ProcessInfo.processInfo.environment
        environment["MZT_HOME"] = home.root
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable, "--home", home.root] + arguments).map { (text: String) in strdup(text) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw ConfigPathError(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// Replaces this process with the conductor (for `mzt start --foreground`).
    public static func execForeground(home: ConductorHome, arguments: [String] = []) -> Never {
        let executable = Self.executable
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable, "--home", home.root] + arguments).map { (text: String) in strdup(text) } + [nil]
        execv(executable, argv)
        FileHandle.standardError.write(Data("Error: cannot run \(executable): \(String(cString: strerror(errno)))\n".utf8))
        exit(1)
    }

    typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's `posix_spawn_file_actions_addclosefrom_np`, not in the Swift Glibc module.
    static let closefromFunction: AddClosefrom? = {
        dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np").map { unsafeBitCast($0, to: AddClosefrom.self) }
    }()
}
