import Foundation
import MarianneClient
import MarianneProtocol
import MarianneTestSupport
import Testing

/// "Gone" means the pid-file lock is free and every thread has exited, not that the
/// thread-group leader is a zombie: under load the other threads of a killed conductor go
/// on holding the lock for seconds.
@Suite(.serialized)
struct ConductorExitTests {
    /// A stand-in for a dying conductor: holds the home's pid-file lock, then its main thread
    /// exits (the leader becomes a zombie) while another thread keeps the process, and the
    /// lock, until the file `release` appears (60 s at most).
    static let dyingHolder = """
        import ctypes, fcntl, os, sys, threading, time
        f = open(sys.argv[1], "w")
        fcntl.flock(f, fcntl.LOCK_EX)
        f.write(f"{os.getpid()}\\n"); f.flush()
        def later():
            deadline = time.time() + 60
            while not os.path.exists(sys.argv[2]) and time.time() < deadline:
                time.sleep(0.02)
            os._exit(0)
        threading.Thread(target=later).start()
        ctypes.CDLL(None).pthread_exit(None)
        """

    /// Starts the holder on `home`; it lets go once `home/release` exists.
    static func startHolder(home: String) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", dyingHolder, home + "/conductor.pid", home + "/release"]
        try process.run()
        let pid = process.processIdentifier
        // Ready once the leader is a zombie and the lock is held.
        try await Poll.until(timeout: 30) {
            ConductorProcess.isExiting(pid) && ConductorHome(root: home).runningPid() == pid
        }
        return pid
    }

    @Test("A zombie leader whose threads still hold the lock is alive, and waiting for it lasts until they end")
    func zombieLeaderIsNotGone() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/env") else { return }
        let home = try TemporaryDirectory(prefix: "mzt-exit")
        defer { home.remove() }
        let pid = try await Self.startHolder(home: home.path)
        #expect(ConductorProcess.isAlive(pid))
        #expect(await ConductorProcess.waitUntilGone(pid: pid, home: ConductorHome(root: home.path), timeout: 0.5) == false)
        FileManager.default.createFile(atPath: home.file("release"), contents: nil)
        #expect(await ConductorProcess.waitUntilGone(pid: pid, home: ConductorHome(root: home.path), timeout: 30))
        #expect(ConductorHome(root: home.path).runningPid() == nil)
    }

    @Test("mzt start on a home whose conductor is still exiting waits for it instead of saying it is running")
    func startWaitsForAnExitingConductor() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/env") else { return }
        let home = try TemporaryDirectory(prefix: "mzt-exit")
        defer { home.remove() }
        _ = try await Self.startHolder(home: home.path)
        let environment = ["MZT_HOME": home.path]
        let finished = Flag()
        let starting = Task {
            defer { finished.set() }
            return try await TestConductor.run(TestConductor.binary, ["start"], environment: environment)
        }
        // While the lock is held, start waits (it used to exit 1 at once: "already running").
        let gaveUp = (try? await Poll.until(timeout: 1) { finished.isSet }) != nil
        #expect(!gaveUp, "mzt start did not wait for the exiting conductor")
        FileManager.default.createFile(atPath: home.file("release"), contents: nil)
        let started = try await starting.value
        #expect(started.exitCode == 0, "\(started.stderr)")
        #expect(started.stdout.contains("conductor started"))
        let stopped = try await TestConductor.run(TestConductor.binary, ["stop", "--yes"], environment: environment)
        #expect(stopped.exitCode == 0, "\(stopped.stderr)")
        // Stopped means gone: nothing holds the lock, no thread of it runs.
        #expect(ConductorHome(root: home.path).runningPid() == nil)
    }
}

final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
