import Foundation
import MarianneCore
import MarianneTestSupport
import Testing

@Suite(.serialized)
struct LogsAndModulesTests {
    static let examples: String = {
        let here = URL(fileURLWithPath: #filePath)
        return here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Examples").path
    }()

    @Test func logsReplayAndFollowAScoreJob() async throws {
        let fx = try await JobFixture()
        let path = try fx.score("logged", """
            name: logged
            workspace: ./logged-ws
            sheet: {size: 1, total_items: 2}
            prompt: {template: "true"}
            backend: {type: command}
            """)
        let follow = try await fx.mzt("submit", path, "--follow")
        #expect(follow.exitCode == 0, "\(follow.stderr)")
        #expect(follow.stdout.contains("sheet 1 started (attempt 1)"))
        #expect(follow.stdout.contains("sheet 2 completed (attempt 1, exit code 0)"))
        #expect(follow.stdout.contains("logged completed"))
        let replay = try await fx.mzt("logs", "logged", "--json")
        let entries = try replay.stdout.split(separator: "\n").map { try JSONDecoder.wire.decode(LogEntry.self, from: Data($0.utf8)) }
        #expect(entries.map(\.seq) == Array(1...entries.count))
        #expect(entries.first?.message.contains("job queued") == true)
        #expect(entries.last?.message == "job completed")
        let tail = try await fx.mzt("logs", "logged", "-n", "1")
        #expect(tail.stdout.contains("job completed") && !tail.stdout.contains("job queued"))
        let warnings = try await fx.mzt("logs", "logged", "--level", "WARNING")
        #expect(warnings.stdout.isEmpty)
    }

    @Test func reconnectingWithSinceGivesExactlyTheMissedEntries() async throws {
        let fx = try await JobFixture()
        let gate = fx.dir.file("gate")
        let path = try fx.score("gappy", """
            name: gappy
            workspace: ./gappy-ws
            sheet: {size: 1, total_items: 6}
            prompt: {template: "if [ {{ sheet_num }} = 3 ]; then while [ ! -e \(gate) ]; do sleep 0.05; done; fi"}
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        let first = try RawClient(path: fx.conductor.socketPath)
        try first.send(#"{"jsonrpc":"2.0","id":1,"method":"job.logs","params":{"job_id":"gappy","follow":true}}"#)
        var seen: [Int] = []
        while !(seen.count >= 3) {
            let line = try first.readLine(timeout: 10)
            if let seq = RawClient.notificationSeq(line) { seen.append(seq) }
        }
        first.close()
        FileManager.default.createFile(atPath: gate, contents: nil)
        #expect(try await fx.mzt("wait", "gappy", "--timeout", "30").exitCode == 0)
        let second = try RawClient(path: fx.conductor.socketPath)
        try second.send(#"{"jsonrpc":"2.0","id":2,"method":"job.logs","params":{"job_id":"gappy","follow":true,"since":\#(seen.last!)}}"#)
        while true {
            let line = try second.readLine(timeout: 10)
            if let seq = RawClient.notificationSeq(line) { seen.append(seq) } else { break }
        }
        let all = try await fx.mzt("logs", "gappy", "--json").stdout.split(separator: "\n").count
        #expect(seen == Array(1...all))
    }

    @Test func aStalledFollowerGetsAMissedMarkerAndDoesNotSlowTheJob() async throws {
        let fx = try await JobFixture()
        let module = fx.dir.file("flood")
        let gate = fx.dir.file("gate")
        try FileManager.default.createDirectory(atPath: module, withIntermediateDirectories: true)
        try #"{"id": "flood", "name": "Flood", "version": "1.0.0", "entrypoint": "run.sh", "inputs": {"lines": {"type": "integer", "default": 6000}}}"#
            .write(toFile: module + "/module.json", atomically: true, encoding: .utf8)
        // The flood starts once the follower is subscribed (the test opens the gate).
        try """
            #!/bin/bash
            read -r request
            for ((w = 0; w < 600; w++)); do [ -e \(gate) ] && break; sleep 0.05; done
            for ((i = 1; i <= 6000; i++)); do echo "flood line $i with some padding to make it longer than usual"; done

            """.write(toFile: module + "/run.sh", atomically: true, encoding: .utf8)
        chmod(module + "/run.sh", 0o755)
        #expect(try await fx.mzt("module", "install", module).exitCode == 0)
        let stalled = try RawClient(path: fx.conductor.socketPath)
        #expect(try await fx.mzt("run", "flood").exitCode == 0)
        try stalled.send(#"{"jsonrpc":"2.0","id":1,"method":"job.logs","params":{"job_id":"flood","follow":true}}"#)
        // The first notification proves the follower is subscribed; then it reads nothing.
        _ = try stalled.readLine(timeout: 10)
        FileManager.default.createFile(atPath: gate, contents: nil)
        let started = Date()
        #expect(try await fx.mzt("wait", "flood", "--timeout", "60").exitCode == 0)
        #expect(Date().timeIntervalSince(started) < 30)
        var missed = 0
        var final = false
        while !final {
            let line = try stalled.readLine(timeout: 20)
            if line.contains("\"missed\"") { missed += 1 }
            final = line.contains("\"id\":1")
        }
        #expect(missed >= 1)
    }

    @Test func moduleJobsInstallRunAndSaveResults() async throws {
        let fx = try await JobFixture()
        #expect(try await fx.mzt("module", "install", Self.examples + "/modules/counter").exitCode == 0)
        #expect(try await fx.mzt("module", "install", Self.examples + "/modules/wordfreq").exitCode == 0)
        let list = try await fx.mzt("module", "list")
        #expect(list.stdout.contains("counter") && list.stdout.contains("wordfreq"))

        let text = fx.dir.file("text.txt")
        try "the cat and the dog and the bird".write(toFile: text, atomically: true, encoding: .utf8)
        let run = try await fx.mzt("run", "wordfreq", "--input", "path=\(text)", "--input", "top=2", "--follow")
        #expect(run.exitCode == 0, "\(run.stdout) \(run.stderr)")
        #expect(run.stdout.contains("8 words read"))
        let results = try await fx.mzt("results", "wordfreq", "--json")
        let decoded = try JSONDecoder.wire.decode(ResultsResult.self, from: Data(results.stdout.utf8))
        #expect(decoded.results.map(\.data) == [
            .object(["word": .string("the"), "count": .int(3)]), .object(["word": .string("and"), "count": .int(2)]),
        ])

        let counted = try await fx.mzt("run", "counter", "--input", "count=3", "--setting", "delay=0", "--follow")
        #expect(counted.exitCode == 0)
        #expect(counted.stdout.contains("plain output line"))
        #expect(counted.stdout.contains("ERROR") && counted.stdout.contains("done counting"))

        let failing = try await fx.mzt("run", "wordfreq", "--id", "wf-missing", "--input", "path=/nonexistent", "--follow")
        #expect(failing.exitCode == 1)
        #expect(try await fx.status("wf-missing").job.error?.contains("exit code 2") == true)
    }

    @Test func invalidManifestsAndInputsAreRefusedWithEachProblemNamed() async throws {
        let fx = try await JobFixture()
        let bad = fx.dir.file("bad-module")
        try FileManager.default.createDirectory(atPath: bad, withIntermediateDirectories: true)
        try #"{"id": "bad module", "name": "Bad", "version": "1", "entrypoint": "missing.sh", "inputs": {"n": {"type": "integer", "default": "x"}}}"#
            .write(toFile: bad + "/module.json", atomically: true, encoding: .utf8)
        let install = try await fx.mzt("module", "install", bad)
        #expect(install.exitCode != 0)
        #expect(install.stderr.contains("id \"bad module\" is invalid"))
        #expect(install.stderr.contains("missing.sh\" does not exist"))
        #expect(install.stderr.contains("default"))
        #expect(try await fx.mzt("module", "install", Self.examples + "/modules/counter").exitCode == 0)
        let run = try await fx.mzt("run", "counter", "--input", "count=many", "--input", "colour=red")
        #expect(run.exitCode == 65)
        #expect(run.stderr.contains("\"count\" must be of type integer"))
        #expect(run.stderr.contains("\"colour\" is not declared"))
        let missing = try await fx.mzt("run", "counter")
        #expect(missing.stderr.contains("\"count\" is required"))
        #expect(try await fx.mzt("list", "--all").stdout.contains("no jobs"))
    }

    @Test func moduleJobsCancelPauseResumeAndRecoverFromTheirCheckpoint() async throws {
        let fx = try await JobFixture(settings: "kill_grace_seconds: 1\n")
        #expect(try await fx.mzt("module", "install", Self.examples + "/modules/counter").exitCode == 0)
        let counted = fx.conductor.home + "/jobs/slowcount/counted.txt"
        #expect(try await fx.mzt("run", "counter", "--id", "slowcount", "--input", "count=40", "--setting", "delay=0.1").exitCode == 0)
        try await fx.waitForFile(counted, lines: 3)
        #expect(try await fx.mzt("pause", "slowcount", "--wait", "--timeout", "20").exitCode == 0)
        let atPause = JobFixture.lines(counted).count
        #expect(try await fx.mzt("resume", "slowcount").exitCode == 0)
        try await fx.waitForFile(counted, lines: atPause + 3)
        try fx.conductor.kill9()
        let atKill = JobFixture.lines(counted).count
        try await fx.conductor.restart()
        #expect(try await fx.mzt("wait", "slowcount", "--timeout", "60").exitCode == 0)
        let numbers = JobFixture.lines(counted).compactMap(Int.init)
        // Every number counted, and the restarted run resumed from its checkpoint, not from 1
        // (a loaded machine may not have saved the last few checkpoints when it was killed).
        #expect(Set(numbers) == Set(1...40))
        #expect(numbers.count < 40 + atKill, "\(numbers)")
        #expect(atKill > atPause)

        #expect(try await fx.mzt("run", "counter", "--id", "stopme", "--input", "count=1000", "--setting", "delay=0.1").exitCode == 0)
        try await fx.waitForFile(fx.conductor.home + "/jobs/stopme/counted.txt", lines: 1)
        #expect(try await fx.mzt("cancel", "stopme", "--wait").stdout.contains("cancelled"))
    }
}

/// A bare socket client for tests that need to misbehave (stall, drop the connection).
final class RawClient {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.enumerated() where i < raw.count - 1 { raw[i] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    func send(_ line: String) throws {
        let bytes = Array((line + "\n").utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw POSIXError(.EPIPE) }
            sent += n
        }
    }

    func readLine(timeout: Double) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let remaining = Int32(max(0, deadline.timeIntervalSinceNow) * 1000)
            guard remaining > 0, poll(&pfd, 1, remaining) > 0 else { throw POSIXError(.ETIMEDOUT) }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = read(fd, &chunk, chunk.count)
            guard n > 0 else { throw POSIXError(.ECONNRESET) }
            buffer += chunk[..<n]
        }
    }

    func close() {
        Glibc.close(fd)
    }

    /// The `seq` of a `job.log` notification line (not a missed-entries marker).
    static func notificationSeq(_ line: String) -> Int? {
        guard line.contains("\"method\":\"job.log\""), !line.contains("\"missed\""),
              let data = line.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let params = object["params"] as? [String: Any], let entry = params["entry"] as? [String: Any]
        else { return nil }
        return entry["seq"] as? Int
    }
}

@Suite(.serialized)
struct FollowReconnectTests {
    @Test func logsFollowSurvivesAConductorRestart() async throws {
        let fx = try await JobFixture()
        let gate = fx.dir.file("gate")
        let path = try fx.score("steady", """
            name: steady
            workspace: ./steady-ws
            sheet: {size: 1, total_items: 3}
            prompt: {template: "if [ {{ sheet_num }} = 2 ]; then while [ ! -e \(gate) ]; do sleep 0.05; done; fi"}
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        try await fx.waitForStatus("steady") { $0.sheets.count == 3 && $0.sheets[1].status == .running }
        let pid = try #require(fx.conductor.pid)
        func sockets() -> Int {
            let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
            return fds.filter { ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)")) ?? "").hasPrefix("socket:") }.count
        }
        let before = sockets()
        let following = Task { try await fx.mzt("logs", "steady", "-f", "--json") }
        // Kill the conductor once the follower is connected to it.
        try await fx.conductor.waitUntil(timeout: 10) { sockets() > before }
        try fx.conductor.kill9()
        try await fx.conductor.restart()
        FileManager.default.createFile(atPath: gate, contents: nil)
        let result = try await following.value
        #expect(result.exitCode == 0, "\(result.stderr)")
        let seqs = result.stdout.split(separator: "\n").compactMap { try? JSONDecoder.wire.decode(LogEntry.self, from: Data($0.utf8)).seq }
        #expect(seqs == Array(1...(seqs.last ?? 0)))
        #expect(result.stdout.contains("job completed"))
    }
}
