import Foundation
import MarianneProtocol

/// A child process started with `posix_spawn` as the leader of a new process group, so the
/// whole tree it starts can be signalled at once. Never `fork()`: the conductor has threads.
public final class ChildProcess: @unchecked Sendable {
    public let pid: Int32
    /// The child leads its own group: the group id is its pid.
    public var processGroup: Int32 { pid }
    public let stdoutLines: AsyncStream<String>?
    public let stderrLines: AsyncStream<String>?

    private let lock = NSLock()
    private var status: ExitStatus?
    private var waiters: [CheckedContinuation<ExitStatus, Never>] = []

    private init(pid: Int32, stdoutLines: AsyncStream<String>?, stderrLines: AsyncStream<String>?) {
        self.pid = pid
        self.stdoutLines = stdoutLines
        self.stderrLines = stderrLines
    }

    /// Starts the child. Throws `SpawnError` when the executable or working directory is wrong.
    public static func spawn(_ spec: ProcessSpec) throws -> ChildProcess {
        Self.ignoreSIGPIPE
        let executable = try resolve(spec.executable, path: spec.environment["PATH"])
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: spec.workingDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SpawnError("working directory \(spec.workingDirectory) does not exist or is not a directory")
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        var parentEnds: [Int32] = []
        var childEnds: [Int32] = []
        defer { for fd in childEnds { close(fd) } }
        var stdinWriter: (fd: Int32, bytes: [UInt8])?
        var lineReaders: [(fd: Int32, copy: String?, continuation: AsyncStream<String>.Continuation)] = []

        func pipePair() throws -> (read: Int32, write: Int32) {
            var fds: [Int32] = [0, 0]
            guard pipe(&fds) == 0 else { throw SpawnError("pipe failed: \(String(cString: strerror(errno)))") }
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
            return (fds[0], fds[1])
        }

        switch spec.stdin {
        case .null:
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        case .bytes(let bytes):
            let (readEnd, writeEnd) = try pipePair()
            childEnds.append(readEnd)
            parentEnds.append(writeEnd)
            posix_spawn_file_actions_adddup2(&actions, readEnd, 0)
            stdinWriter = (writeEnd, bytes)
        }
        var streams: [AsyncStream<String>?] = [nil, nil]
        for (index, output) in [spec.stdout, spec.stderr].enumerated() {
            let target = Int32(index + 1)
            switch output {
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
            case .file(let path):
                let directory = (path as NSString).deletingLastPathComponent
                try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                posix_spawn_file_actions_addopen(&actions, target, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            case .lines, .fileAndLines:
                var copy: String?
                if case .fileAndLines(let path) = output {
                    try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    copy = path
                }
                let (readEnd, writeEnd) = try pipePair()
                childEnds.append(writeEnd)
                parentEnds.append(readEnd)
                posix_spawn_file_actions_adddup2(&actions, writeEnd, target)
                let (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .unbounded)
                streams[index] = stream
                lineReaders.append((readEnd, copy, continuation))
            }
        }
        SpawnShims.addChdir(&actions, spec.workingDirectory)
        SpawnShims.addClosefrom(&actions, 3)

        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM, SIGTSTP] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv = ([executable] + spec.arguments).map { strdup($0) } + [nil]
        let envp = spec.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            for fd in parentEnds { close(fd) }
            for reader in lineReaders { reader.continuation.finish() }
            throw SpawnError("could not start \(executable): \(String(cString: strerror(result)))")
        }
        let child = ChildProcess(pid: pid, stdoutLines: streams[0], stderrLines: streams[1])
        if let stdinWriter { Self.writeAll(stdinWriter.bytes, to: stdinWriter.fd) }
        for reader in lineReaders { Self.readLines(from: reader.fd, copyTo: reader.copy, into: reader.continuation) }
        child.startReaper()
        return child
    }

    // MARK: Waiting

    /// Waits for the child to exit; any number of callers get the same status.
    public func wait() async -> ExitStatus {
        await withCheckedContinuation { continuation in
            let known: ExitStatus? = lock.withLock {
                if let status { return status }
                waiters.append(continuation)
                return nil
            }
            if let known { continuation.resume(returning: known) }
        }
    }

    /// The exit status if the child has been reaped.
    public var exitStatus: ExitStatus? { lock.withLock { status } }

    private func startReaper() {
        let pid = self.pid
        let thread = Thread { [self] in
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
            let exited = (raw & 0x7f) == 0
            let status: ExitStatus = exited ? .exited((raw >> 8) & 0xff) : .signaled(raw & 0x7f)
            let waiting: [CheckedContinuation<ExitStatus, Never>] = lock.withLock {
                self.status = status
                defer { waiters = [] }
                return waiters
            }
            for waiter in waiting { waiter.resume(returning: status) }
        }
        thread.stackSize = 64 * 1024
        thread.start()
    }

    // MARK: Signals

    /// Sends `signal` to every process of the group (ESRCH, a gone group, is not an error).
    public func signalGroup(_ signal: Int32) {
        _ = killpg(pid, signal)
    }

    /// TERM to the group, then KILL after `grace` seconds if any member is still alive.
    /// Returns once no member is left (or shortly after KILL).
    public func terminateGroup(grace: Double) async {
        await ProcessGroups.kill(pid, grace: grace)
    }

    // MARK: Helpers

    private static let ignoreSIGPIPE: Void = {
        signal(SIGPIPE, SIG_IGN)
    }()

    static func resolve(_ executable: String, path: String?) throws -> String {
        if executable.contains("/") {
            guard access(executable, X_OK) == 0 else {
                throw SpawnError("\(executable) does not exist or is not executable")
            }
            return executable
        }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(executable)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        throw SpawnError("\(executable) was not found on PATH")
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32) {
        let thread = Thread {
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { break }
                offset += written
            }
            close(fd)
        }
        thread.stackSize = 64 * 1024
        thread.start()
    }

    /// Longest line delivered; longer lines are split.
    static let maxLineBytes = 64 * 1024

    private static func readLines(from fd: Int32, copyTo path: String?, into continuation: AsyncStream<String>.Continuation) {
        let thread = Thread {
            let copy = path.map { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) } ?? -1
            defer { if copy >= 0 { close(copy) } }
            var pending: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = read(fd, &chunk, chunk.count)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                if copy >= 0 { _ = chunk.withUnsafeBytes { write(copy, $0.baseAddress, count) } }
                pending.append(contentsOf: chunk[..<count])
                var start = 0
                for i in 0..<pending.count where pending[i] == UInt8(ascii: "\n") || i - start >= maxLineBytes {
                    let end = pending[i] == UInt8(ascii: "\n") ? i : i + 1
                    continuation.yield(String(decoding: pending[start..<end], as: UTF8.self))
                    start = i + 1
                }
                pending.removeFirst(min(start, pending.count))
            }
            if !pending.isEmpty { continuation.yield(String(decoding: pending, as: UTF8.self)) }
            close(fd)
            continuation.finish()
        }
        thread.stackSize = 128 * 1024
        thread.start()
    }
}

/// glibc's `posix_spawn_file_actions_addchdir_np` and `addclosefrom_np` are not in the Swift
/// Glibc module; they are looked up once by name.
enum SpawnShims {
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    static let chdirFunction: AddChdir? = {
        dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addchdir_np").map { unsafeBitCast($0, to: AddChdir.self) }
    }()

    static let closefromFunction: AddClosefrom? = {
        dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np").map { unsafeBitCast($0, to: AddClosefrom.self) }
    }()

    static func addChdir(_ actions: inout posix_spawn_file_actions_t, _ directory: String) {
        if let function = chdirFunction { _ = function(&actions, directory) }
    }

    static func addClosefrom(_ actions: inout posix_spawn_file_actions_t, _ lowest: Int32) {
        if let function = closefromFunction { _ = function(&actions, lowest) }
    }
}
