import Foundation
import MarianneClient
import MarianneProtocol
import MarianneTestSupport
import Testing

struct ConductorProcessTests {
    /// `mzt start` hands the conductor stdin, the log and nothing else: a descriptor its
    /// starter holds open without close-on-exec stays behind (closed from 3 up in the spawn).
    @Test func aDetachedConductorInheritsNoDescriptorOfItsStarter() async throws {
        var template = Array("/tmp/mzt-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        let root = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let home = ConductorHome(root: root)
        let marker = home.path("held-open")
        #expect(FileManager.default.createFile(atPath: marker, contents: nil))
        let fd = open(marker, O_RDONLY)
        #expect(fd >= 3)
        defer { close(fd) }

        let pid = try ConductorProcess.spawnDetached(home: home)
        defer { kill(pid, SIGKILL) }
        try await Poll.until(timeout: 60) { FileManager.default.fileExists(atPath: home.socketPath) }
        let held = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").compactMap {
            try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)")
        }
        #expect(held.contains(home.logPath))
        #expect(!held.contains(marker))

        // And its end is seen through the pidfd (or /proc): a stop that waits returns.
        #expect(kill(pid, SIGTERM) == 0)
        #expect(await ConductorProcess.waitUntilGone(pid: pid, home: home, timeout: 60))
    }
}
