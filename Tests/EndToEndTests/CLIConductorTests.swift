import Foundation
import MarianneTestSupport
import Testing

/// Starting and restarting the conductor: what is wrong is said before anything is stopped
/// or spawned, in words a person can act on.
@Suite(.serialized)
struct CLIConductorTests {
    @Test func restartWithABadConductorYamlStopsNothing() async throws {
        let fx = try await JobFixture()
        let before = try #require(fx.conductor.pid)
        try "max_concurent_jobs: 3\n".write(toFile: fx.conductor.home + "/conductor.yaml", atomically: true, encoding: .utf8)
        let restart = try await fx.mzt("restart", "--yes")
        #expect(restart.exitCode == 65, "\(restart.stderr)")
        #expect(restart.stderr.contains("unknown setting max_concurent_jobs"))
        #expect(restart.stderr.contains("did you mean max_concurrent_jobs?"))
        #expect(restart.stderr.contains("was not stopped"))
        #expect(fx.conductor.pid == before)
        #expect(try await fx.mzt("conductor-status").exitCode == 0)
        let check = try await fx.mzt("config", "check")
        #expect(check.exitCode == 65)
        try "max_concurrent_jobs: 3\n".write(toFile: fx.conductor.home + "/conductor.yaml", atomically: true, encoding: .utf8)
        #expect(try await fx.mzt("config", "check").exitCode == 0)
        let show = try await fx.mzt("config", "show")
        #expect(show.stdout.contains("max_concurrent_jobs: 3"), "\(show.stdout)")
        let restarted = try await fx.mzt("restart", "--yes")
        #expect(restarted.exitCode == 0, "\(restarted.stderr)")
        #expect(fx.conductor.pid != before)
    }

    @Test func aBadHTTPAddressIsAUsageErrorBeforeAnythingStarts() async throws {
        let fx = try await JobFixture()
        #expect(try await fx.mzt("stop", "--yes").exitCode == 0)
        let start = try await fx.mzt("start", "--http", "notaport")
        #expect(start.exitCode == 64, "\(start.stderr)")
        #expect(start.stderr.contains("HOST:PORT"))
        #expect(try await fx.mzt("conductor-status").exitCode == 69)
    }

    @Test func aBusyPortIsNamedAsSuch() async throws {
        let fx = try await JobFixture()
        #expect(try await fx.mzt("stop", "--yes").exitCode == 0)
        let listener = try TCPListener()
        defer { listener.close() }
        let start = try await fx.mzt("start", "--http", "127.0.0.1:\(listener.port)")
        #expect(start.exitCode == 1)
        #expect(start.stderr.contains("already in use"), "\(start.stderr)")
        #expect(!start.stderr.contains("errno: 98") && !start.stderr.contains("bind(descriptor"), "\(start.stderr)")
    }
}

/// A TCP socket listening on a free loopback port.
struct TCPListener {
    let fd: Int32
    let port: Int

    init() throws {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(socketFD, 4) == 0 else { throw TestFailure("cannot listen: \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) }
        }
        fd = socketFD
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() {
        _ = Glibc.close(fd)
    }
}
