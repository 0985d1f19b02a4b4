import Foundation
import MarianneTestSupport
import Testing
@testable import MarianneConductor

/// A conductor runs millions of processes: what it does around each must not keep memory.
struct ProcessMemoryTests {
    static func rssKilobytes() -> Int {
        let text = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
        return (Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
    }

    @Test func runningProcessesAndReadingProcKeepsNoMemory() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let spec = ProcessSpec(executable: "/bin/true", workingDirectory: dir.path, stdout: .null, stderr: .null)
        for _ in 0..<100 { _ = try await ProcessRunner.run(spec, timeout: 60, grace: 1) }
        let before = Self.rssKilobytes()
        for _ in 0..<500 { _ = try await ProcessRunner.run(spec, timeout: 60, grace: 1) }
        for _ in 0..<2000 { _ = ProcFS.children(of: getpid()) }
        let grown = Self.rssKilobytes() - before
        // Each of these kept 32 KB or more when directories were listed through Foundation.
        #expect(grown < 8 * 1024, "RSS grew by \(grown) KB over 500 runs and 2000 listings of our children")
    }
}
