import Foundation
import MarianneClient
import MarianneProtocol

/// What a run of `mzt` printed and how it exited.
public struct CommandResult: Sendable {
    public var exitCode: Int32
    public var stdout: String
    public var stderr: String
}

/// A real conductor (the built `mzt` binary) on a temporary home, for end-to-end tests.
public final class TestConductor: @unchecked Sendable {
    public let home: String
    public var socketPath: String { home + "/conductor.sock" }
    public var client: DaemonClient { DaemonClient(socketPath: socketPath) }

    /// The built `mzt` next to the test bundle (or `$MZT_BINARY`).
    public static var binary: String {
        if let path = ProcessInfo.processInfo.environment["MZT_BINARY"] { return path }
        let candidates = [Bundle.main.executablePath, CommandLine.arguments.first].compactMap { $0 }
        for candidate in candidates {
            var directory = URL(fileURLWithPath: candidate).deletingLastPathComponent()
            for _ in 0..<4 {
                let path = directory.appendingPathComponent("mzt").path
                if FileManager.default.isExecutableFile(atPath: path) { return path }
                directory = directory.deletingLastPathComponent()
            }
        }
        return ".build/debug/mzt"
    }

    /// Extra environment the conductor is started with (for example a `PATH` with fakes).
    public let environment: [String: String]
    /// A command `mzt start` runs under (for example `prlimit --nofile=400:400`), or none.
    public let launcher: [String]

    private init(home: String, environment: [String: String], launcher: [String]) {
        self.home = home
        self.environment = environment
        self.launcher = launcher
    }

    /// Creates a temporary home (short, so the socket path fits), writes `settings` to
    /// conductor.yaml, and starts the conductor.
    public static func start(settings: String? = nil, environment: [String: String] = [:], launcher: [String] = []) async throws -> TestConductor {
        var template = Array("/tmp/mzt-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        let conductor = TestConductor(home: String(cString: made), environment: environment, launcher: launcher)
        if let settings {
            try settings.write(toFile: conductor.home + "/conductor.yaml", atomically: true, encoding: .utf8)
        }
        try await conductor.restart()
        return conductor
    }

    /// Starts the conductor again on the same home.
    public func restart() async throws {
        let command = launcher + [Self.binary, "start"]
        let result = try await Self.run(command[0], Array(command.dropFirst()), environment: environment.merging(["MZT_HOME": home]) { $1 })
        guard result.exitCode == 0 else {
            throw TestFailure("mzt start failed (\(result.exitCode)): \(result.stderr)")
        }
    }

    /// Runs `mzt` with this home; gives up after `timeout` seconds. The waiting happens off
    /// the concurrency pool, so tests running side by side do not starve each other.
    @discardableResult
    public func run(_ arguments: [String], stdin: String? = nil, timeout: Double = 120) async throws -> CommandResult {
        try await Self.run(Self.binary, arguments, environment: ["MZT_HOME": home], stdin: stdin, timeout: timeout)
    }

    /// The conductor's pid, from its pid file.
    public var pid: Int32? {
        (try? String(contentsOfFile: home + "/conductor.pid", encoding: .utf8))
            .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Kills the conductor with SIGKILL and waits until it is gone for certain: every thread
    /// exited and the pid-file lock free (a zombie leader is not enough; its other threads
    /// can hold the lock for seconds under load, and a restart would find it running).
    public func kill9() throws {
        guard let pid else { throw TestFailure("no conductor pid in \(home)") }
        kill(pid, SIGKILL)
        guard ConductorProcess.waitUntilGone(pid: pid, home: ConductorHome(root: home), timeout: 30) else {
            throw TestFailure("the conductor (pid \(pid)) still holds \(home)/conductor.pid 30 s after kill -9")
        }
    }

    /// Waits until the conductor process `pid` is gone for certain (after a signal sent by a test).
    public func waitUntilGone(_ pid: Int32, timeout: Double = 30) async throws {
        guard await ConductorProcess.waitUntilGone(pid: pid, home: ConductorHome(root: home), timeout: timeout) else {
            throw TestFailure("the conductor (pid \(pid)) still holds \(home)/conductor.pid after \(timeout) s")
        }
    }

    /// Stops the conductor (gracefully, then by force) and removes the home, on a thread of
    /// its own: a test's teardown never blocks the cooperative pool that the other tests
    /// running at the same time need. The test process waits for these at exit.
    public func shutdown() {
        BackgroundCleanup.shared.run { self.stopAndRemove() }
    }

    /// Stops the conductor, waits until it is gone, and removes the home (blocking).
    public func stopAndRemove() {
        if let pid, ConductorProcess.isAlive(pid) {
            _ = try? Self.runBlocking(Self.binary, ["stop", "--yes"], environment: ["MZT_HOME": home], timeout: 30)
            if ConductorProcess.isAlive(pid) {
                kill(pid, SIGKILL)
                _ = ConductorProcess.waitUntilGone(pid: pid, home: ConductorHome(root: home), timeout: 10)
            }
        }
        try? FileManager.default.removeItem(atPath: home)
    }

    /// Polls `condition` until it holds or `timeout` passes.
    public func waitUntil(timeout: Double, poll: Double = 0.02, _ condition: () async throws -> Bool) async throws {
        try await Poll.until(timeout: timeout, interval: poll, condition)
    }

    /// Runs a program and collects its output, waiting on a thread of its own.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil, timeout: Double = 120) async throws -> CommandResult {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try runBlocking(executable, arguments, environment: environment, stdin: stdin, timeout: timeout) })
            }.start()
        }
    }

    /// Runs a program and collects its output, blocking the calling thread.
    public static func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil, timeout: Double = 120) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try process.run()
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try? input.fileHandleForWriting.close()
        }
        let collected = OutputCollector()
        let group = DispatchGroup()
        for (handle, isOut) in [(out.fileHandleForReading, true), (err.fileHandleForReading, false)] {
            group.enter()
            DispatchQueue.global().async {
                let data = handle.readDataToEndOfFile()
                collected.set(data, stdout: isOut)
                group.leave()
            }
        }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            throw TestFailure("\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout)s")
        }
        process.waitUntilExit()
        return CommandResult(exitCode: process.terminationStatus, stdout: collected.stdout, stderr: collected.stderr)
    }
}

final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()

    func set(_ data: Data, stdout: Bool) {
        lock.withLock {
            if stdout { out = data } else { err = data }
        }
    }

    var stdout: String { lock.withLock { String(decoding: out, as: UTF8.self) } }
    var stderr: String { lock.withLock { String(decoding: err, as: UTF8.self) } }
}

/// A test helper failure with its reason.
public struct TestFailure: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
