import Foundation
import MarianneClient
import MarianneProtocol
import MarianneTestSupport
import Testing

@Suite(.serialized)
struct ConductorLifecycleTests {
    @Test func startReturnsHealthyAndStatusShowsUptimeAndPid() async throws {
        let conductor = try await TestConductor.start()
        defer { conductor.shutdown() }
        // `start` returned, so the conductor must answer at once.
        let health = try await conductor.client.call(RPCMethod.conductorHealth, params: Empty(), as: HealthResult.self)
        #expect(health.status == "ok")
        #expect(health.pid == conductor.pid)
        #expect(health.protocolVersion == protocolVersion)
        let status = try await conductor.run(["conductor-status"])
        #expect(status.exitCode == 0)
        #expect(status.stdout.contains("pid \(health.pid)"))
        #expect(status.stdout.contains("uptime:"))
        let json = try await conductor.run(["conductor-status", "--json"])
        let decoded = try JSONDecoder().decode(ConductorStatusResult.self, from: Data(json.stdout.utf8))
        #expect(decoded.rssBytes > 0)
        #expect(decoded.home == conductor.home)
    }

    @Test func homeAndSocketArePrivate() async throws {
        let conductor = try await TestConductor.start()
        defer { conductor.shutdown() }
        let home = try FileManager.default.attributesOfItem(atPath: conductor.home)
        #expect((home[.posixPermissions] as? Int) == 0o700)
        let socket = try FileManager.default.attributesOfItem(atPath: conductor.socketPath)
        #expect((socket[.posixPermissions] as? Int) == 0o600)
        let pidFile = try FileManager.default.attributesOfItem(atPath: conductor.home + "/conductor.pid")
        #expect((pidFile[.posixPermissions] as? Int) == 0o600)
    }

    @Test func aSecondStartRefusesWithThePid() async throws {
        let conductor = try await TestConductor.start()
        defer { conductor.shutdown() }
        let again = try await conductor.run(["start"])
        #expect(again.exitCode == 1)
        #expect(again.stderr.contains("already running (pid \(conductor.pid ?? -1))"))
        let foreground = try await conductor.run(["start", "--foreground"])
        #expect(foreground.exitCode == 1)
    }

    @Test func killNineThenStartRecoversFromTheStaleFiles() async throws {
        let conductor = try await TestConductor.start()
        defer { conductor.shutdown() }
        let old = conductor.pid
        try conductor.kill9()
        #expect(FileManager.default.fileExists(atPath: conductor.socketPath))
        #expect(try await conductor.run(["list"]).exitCode == 69)
        try await conductor.restart()
        #expect(conductor.pid != old)
        #expect(try await conductor.run(["conductor-status"]).exitCode == 0)
    }

    @Test func stopRemovesSocketAndPidFile() async throws {
        let conductor = try await TestConductor.start()
        defer { conductor.shutdown() }
        let pid = try #require(conductor.pid)
        let stop = try await conductor.run(["stop"])
        #expect(stop.exitCode == 0, "\(stop.stderr)")
        #expect(!FileManager.default.fileExists(atPath: conductor.socketPath))
        #expect(!FileManager.default.fileExists(atPath: conductor.home + "/conductor.pid"))
        #expect(!JobFixture.isAlive(pid))
        let log = try String(contentsOfFile: conductor.home + "/conductor.log", encoding: .utf8)
        #expect(log.contains("\"message\":\"conductor stopped\""))
    }

    @Test func restartGivesANewConductor() async throws {
        let conductor = try await TestConductor.start()
        defer { conductor.shutdown() }
        let old = conductor.pid
        let restart = try await conductor.run(["restart"])
        #expect(restart.exitCode == 0, "\(restart.stderr)")
        #expect(restart.stdout.contains("conductor started"))
        #expect(conductor.pid != old)
    }

    @Test func forceStopKillsIt() async throws {
        let conductor = try await TestConductor.start()
        defer { conductor.shutdown() }
        let pid = try #require(conductor.pid)
        #expect(try await conductor.run(["stop", "--force"]).exitCode == 0)
        #expect(!JobFixture.isAlive(pid))
    }

    @Test(arguments: [
        ["list"], ["status", "x"], ["submit", "/nonexistent.yaml"], ["pause", "x"], ["resume", "x"], ["cancel", "x"],
        ["wait", "x"], ["logs", "x"], ["conductor-status"], ["stop"], ["delete", "x"], ["clear"], ["health", "x"],
        ["results", "x"], ["module", "list"], ["run", "m"],
    ])
    func everyClientCommandAgainstAStoppedConductorExits69(arguments: [String]) async throws {
        let dir = try TemporaryDirectory(prefix: "mzt-down")
        defer { dir.remove() }
        var args = arguments
        if args == ["submit", "/nonexistent.yaml"] {
            FileManager.default.createFile(atPath: dir.file("s.yaml"), contents: Data("name: s\n".utf8))
            args = ["submit", dir.file("s.yaml")]
        }
        let result = try await TestConductor.run(TestConductor.binary, args, environment: ["MZT_HOME": dir.path])
        #expect(result.exitCode == 69, "\(args): \(result.stderr)")
        #expect(result.stderr == "Error: conductor is not running. Start it with: mzt start\n")
    }

    @Test func tooLongASocketPathIsAClearError() async throws {
        let long = "/tmp/" + String(repeating: "h", count: 120)
        defer { try? FileManager.default.removeItem(atPath: long) }
        let result = try await TestConductor.run(TestConductor.binary, ["start", "--foreground"], environment: ["MZT_HOME": long])
        #expect(result.exitCode == 1)
        #expect(result.stderr.contains("socket path too long"))
    }

    @Test func aSymlinkedPidFileIsRefused() async throws {
        let dir = try TemporaryDirectory(prefix: "mzt-link")
        defer { dir.remove() }
        chmod(dir.path, 0o700)
        symlink("/tmp/elsewhere-pid", dir.file("conductor.pid"))
        let result = try await TestConductor.run(TestConductor.binary, ["start", "--foreground"], environment: ["MZT_HOME": dir.path])
        #expect(result.exitCode == 1)
        #expect(result.stderr.contains("symlink"))
    }
}

@Suite(.serialized)
struct ProtocolTests {
    func exchange(_ conductor: TestConductor, _ lines: [String]) throws -> [String] {
        let client = try RawClient(path: conductor.socketPath)
        defer { client.close() }
        for line in lines { try client.send(line) }
        return try lines.map { _ in try client.readLine(timeout: 10) }
    }

    func code(_ line: String) -> Int? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let error = object["error"] as? [String: Any] else { return nil }
        return error["code"] as? Int
    }

    @Test func badLinesGetTheRightErrorsAndTheConnectionKeepsServing() async throws {
        let conductor = try await TestConductor.start()
        defer { conductor.shutdown() }
        let answers = try exchange(conductor, [
            "this is not json",
            #"[1, 2, 3]"#,
            #"{"jsonrpc":"2.0","id":1}"#,
            #"{"jsonrpc":"1.0","id":2,"method":"conductor.health"}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"no.such.method"}"#,
            #"{"jsonrpc":"2.0","id":4,"method":"job.status","params":{"job_id":42}}"#,
            #"{"jsonrpc":"2.0","id":5,"method":"conductor.health"}"#,
        ])
        #expect(answers.map(code) == [-32700, -32600, -32600, -32600, -32601, -32602, nil])
        #expect(answers[4].contains("no.such.method"))
        #expect(answers[6].contains("\"status\":\"ok\""))
    }

    @Test func requestsOnOneConnectionAreAnsweredInOrderAndNotificationsGetNoReply() async throws {
        let conductor = try await TestConductor.start()
        defer { conductor.shutdown() }
        let client = try RawClient(path: conductor.socketPath)
        defer { client.close() }
        try client.send(#"{"jsonrpc":"2.0","method":"conductor.health"}"#)
        for id in 1...50 { try client.send(#"{"jsonrpc":"2.0","id":\#(id),"method":"conductor.health"}"#) }
        for id in 1...50 {
            let line = try client.readLine(timeout: 10)
            #expect(line.contains("\"id\":\(id),"))
        }
    }

    @Test func aHugeLineGetsAnErrorAndTheConductorKeepsServing() async throws {
        let conductor = try await TestConductor.start()
        defer { conductor.shutdown() }
        let client = try RawClient(path: conductor.socketPath)
        defer { client.close() }
        let huge = #"{"jsonrpc":"2.0","id":1,"method":"job.submit","params":{"config_content":""# + String(repeating: "x", count: 20 * 1024 * 1024) + #""}}"#
        try client.send(huge)
        let answer = try client.readLine(timeout: 30)
        #expect(code(answer) == -32600)
        #expect(answer.contains("size limit"))
        try client.send(#"{"jsonrpc":"2.0","id":2,"method":"conductor.health"}"#)
        #expect(try client.readLine(timeout: 10).contains("\"status\":\"ok\""))
    }

    @Test func aTruncatedLastLineIsAnsweredAndOthersAreServed() async throws {
        let conductor = try await TestConductor.start()
        defer { conductor.shutdown() }
        let client = try RawClient(path: conductor.socketPath)
        defer { client.close() }
        let partial = Array(#"{"jsonrpc":"2.0","id":1,"meth"#.utf8)
        _ = partial.withUnsafeBytes { write(client.fd, $0.baseAddress, $0.count) }
        shutdown(client.fd, Int32(SHUT_WR))
        #expect(code(try client.readLine(timeout: 10)) == -32700)
        let health = try await conductor.client.call(RPCMethod.conductorHealth, params: Empty(), as: HealthResult.self)
        #expect(health.status == "ok")
    }

    @Test func aHundredConcurrentClientsAllGetAnswers() async throws {
        let conductor = try await TestConductor.start()
        defer { conductor.shutdown() }
        let client = conductor.client
        let answered = try await withThrowingTaskGroup(of: Int32.self) { group in
            for _ in 0..<100 {
                group.addTask {
                    try await client.call(RPCMethod.conductorHealth, params: Empty(), as: HealthResult.self).pid
                }
            }
            var pids: [Int32] = []
            for try await pid in group { pids.append(pid) }
            return pids
        }
        #expect(answered.count == 100)
        #expect(Set(answered) == [conductor.pid ?? 0])
    }

    @Test func aClientOfAnotherUserIsRefused() async throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") || FileManager.default.isExecutableFile(atPath: "/bin/setpriv") else {
            return
        }
        let conductor = try await TestConductor.start()
        defer { conductor.shutdown() }
        // Let the other user reach the socket, so the peer-credential check is what refuses it.
        chmod(conductor.home, 0o711)
        chmod(conductor.socketPath, 0o666)
        let result = try await TestConductor.run(
            "/usr/bin/setpriv", ["--reuid", "65534", "--regid", "65534", "--clear-groups", TestConductor.binary, "conductor-status"],
            environment: ["MZT_HOME": conductor.home]
        )
        #expect(result.exitCode != 0)
        #expect(result.stderr.contains("permission denied"))
    }
}
