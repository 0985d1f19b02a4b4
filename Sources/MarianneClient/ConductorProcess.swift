import CMarianneShims
import Foundation
import MarianneProtocol

/// The conductor as a process: is it running, and starting it in the background.
public enum ConductorProcess {
    /// The pid of the conductor holding the home's pid-file lock, if one runs.
    public static func runningPid(home: ConductorHome) -> Int32? {
        home.runningPid()
    }

    /// True while any thread of `pid` runs. A zombie thread-group leader whose other threads
    /// still run is alive: they still hold its files (the pid-file lock, the port).
    public static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        let threads = DirectoryNames.of("/proc/\(pid)/task")
        guard !threads.isEmpty else { return true }
        return threads.contains { thread in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/task/\(thread)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")")
            else { return false }
            let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
            return state != "Z" && state != "X"
        }
    }

    /// True when the leader of `pid` has exited (it may still be tearing down).
    public static func isExiting(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else {
            return false
        }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state == "Z" || state == "X"
    }

    /// Waits until the conductor `pid` of `home` is gone for certain: the whole process has
    /// exited (its pidfd is readable, or no thread of it is left running) and the pid-file
    /// lock is free on a fresh open of the pid file. A zombie leader is not enough: under
    /// load its other threads go on holding the lock for seconds. False on timeout.
    public static func waitUntilGone(pid: Int32, home: ConductorHome, timeout: Double) -> Bool {
        let exit = ProcessExit(pid: pid)
        defer { exit.close() }
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let exited = exit.hasExited()
            if exited, home.runningPid() != pid { return true }
            if Date() >= deadline { return false }
            // Wakes as the process exits; after that, only its last threads releasing the
            // lock are waited for, a millisecond at a time.
            if exited { usleep(1000) } else { exit.wait(milliseconds: 50) }
        }
    }

    /// The same, waiting off the concurrency pool.
    public static func waitUntilGone(pid: Int32, home: ConductorHome, timeout: Double) async -> Bool {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: waitUntilGone(pid: pid, home: home, timeout: timeout)) }.start()
        }
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
        _ = marianne_spawn_add_close_from(&actions, 3)
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
}


/// Whether a process has exited entirely, through a pidfd when the system has them (it is
/// readable once every thread is gone, and names that process even if the pid is reused),
/// else by its threads' states in /proc.
final class ProcessExit {
    let pid: Int32
    private var pidfd: Int32 = -1

    init(pid: Int32) {
        self.pid = pid
        pidfd = marianne_pidfd_open(pid)
    }

    func hasExited() -> Bool {
        if pidfd >= 0 {
            var entry = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
            return poll(&entry, 1, 0) == 1
        }
        return !ConductorProcess.isAlive(pid)
    }

    /// Blocks until the process exits or `milliseconds` pass (without a pidfd: sleeps 1 ms).
    func wait(milliseconds: Int32) {
        if pidfd >= 0 {
            var entry = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
            _ = poll(&entry, 1, milliseconds)
        } else {
            usleep(1000)
        }
    }

    func close() {
        if pidfd >= 0 { _ = Glibc.close(pidfd) }
        pidfd = -1
    }
}
