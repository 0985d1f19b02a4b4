import Foundation
import MarianneCore
import MarianneProtocol
import MarianneTestSupport
import Testing

/// Robustness suites. Short by default (they run in CI); `MZT_RELIABILITY=full` (make
/// reliability) runs them at full size.
enum Reliability {
    static let full = ProcessInfo.processInfo.environment["MZT_RELIABILITY"] == "full"
    static func size(short: Int, full fullSize: Int) -> Int { full ? fullSize : short }
}

@Suite(.serialized)
struct ChaosTests {
    /// kill -9 at random moments while a long score runs; every sheet runs, completed sheets
    /// exactly once (at most one re-run per kill), every checkpoint read at a kill parses.
    @Test func killNineAtRandomMomentsLosesNothing() async throws {
        let sheets = Reliability.size(short: 40, full: 200)
        let kills = Reliability.size(short: 4, full: 20)
        let fx = try await JobFixture(settings: "kill_grace_seconds: 1\n")
        let path = try fx.score("chaos", """
            name: chaos
            workspace: ./chaos-ws
            sheet: {size: 1, total_items: \(sheets)}
            prompt: {template: "echo {{ sheet_num }} >> ran.txt; sleep 0.02"}
            backend: {type: command}
            """)
        let ws = fx.workspace("chaos-ws")
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<kills {
            let before = JobFixture.lines(ws + "/ran.txt").count
            guard before < sheets - 2 else { break }
            // At most `sheets` lines are sure to come (a target past them could never be met).
            let target = min(sheets, before + Int.random(in: 1...max(1, sheets / (kills * 2)), using: &generator))
            try await fx.waitForFile(ws + "/ran.txt", lines: target, timeout: 30)
            try fx.conductor.kill9()
            // Whatever the moment, the checkpoint on disk is whole.
            let checkpoint = try fx.checkpoint("chaos", workspace: ws)
            #expect(checkpoint.sheets.count == sheets)
            try await fx.conductor.restart()
        }
        #expect(try await fx.mzt("wait", "chaos", "--timeout", "120").exitCode == 0)
        let ran = JobFixture.lines(ws + "/ran.txt").compactMap(Int.init)
        #expect(Set(ran) == Set(1...sheets))
        let repeats = ran.count - sheets
        #expect(repeats <= kills, "\(repeats) re-runs for \(kills) kills")
        #expect(try fx.checkpoint("chaos", workspace: ws).status == .completed)
    }
}

@Suite(.serialized)
struct ProtocolFuzzTests {
    static func openFiles(_ pid: Int32) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
    }

    @Test func hostileInputGetsAnswersAndLeaksNothing() async throws {
        let inputs = Reliability.size(short: 600, full: 10_000)
        let conductor = try await TestConductor.start()
        defer { conductor.shutdown() }
        let pid = try #require(conductor.pid)
        // Open what the conductor opens once and keeps (SQLite reader connections) first.
        let client = conductor.client
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { _ = try await client.call(RPCMethod.jobList, params: ListParams(), as: ListResult.self) }
            }
            try await group.waitForAll()
        }
        let baseline = Self.openFiles(pid)
        var generator = SystemRandomNumberGenerator()
        let samples: [String] = [
            "{", "}", "[]", "null", "42", "\"text\"", #"{"jsonrpc":"2.0"}"#, #"{"jsonrpc":"2.0","id":{},"method":"x"}"#,
            #"{"jsonrpc":"2.0","id":1,"method":"job.status","params":[1,2]}"#,
            #"{"jsonrpc":"2.0","id":1,"method":"job.submit","params":{"config_path":"relative.yaml"}}"#,
            #"{"jsonrpc":"2.0","id":1,"method":"job.submit","params":{"config_content":"name: [unclosed"}}"#,
            #"{"jsonrpc":"2.0","id":1,"method":"job.list","params":{"limit":"ten"}}"#,
            #"{"jsonrpc":"2.0","id":1,"method":"job.logs","params":{"job_id":"nope","follow":true}}"#,
            String(repeating: "[", count: 100_000), "\u{FEFF}{}", "\u{0}\u{1}\u{2}",
        ]
        var sent = 0
        var connection = try RawClient(path: conductor.socketPath)
        while sent < inputs {
            let kind = sent % 5
            var line: [UInt8]
            switch kind {
            case 0: line = (0..<Int.random(in: 1...200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }.filter { $0 != 10 }
            case 1: line = Array(samples[sent / 5 % samples.count].utf8)
            case 2: line = [0xC3, 0x28, 0xA0, 0xA1, 0xFF, 0xFE]
            case 3:
                let valid = Array(#"{"jsonrpc":"2.0","id":7,"method":"conductor.health"}"#.utf8)
                line = Array(valid.prefix(Int.random(in: 1..<valid.count, using: &generator)))
            default: line = Array(#"{"jsonrpc":"2.0","id":"x","method":"job.status","params":{"job_id":true}}"#.utf8)
            }
            if line.isEmpty || line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { line = [UInt8(ascii: "x")] }
            try connection.send(String(decoding: line, as: UTF8.self).replacingOccurrences(of: "\n", with: " "))
            let answer = try connection.readLine(timeout: 10)
            #expect(answer.contains("\"error\"") || answer.contains("\"result\""), "no answer to input \(sent)")
            sent += 1
            if sent % 100 == 0 {
                // Clients that vanish mid-request, and a fresh connection.
                let vanishing = try RawClient(path: conductor.socketPath)
                _ = Array(#"{"jsonrpc":"2.0","id":1,"meth"#.utf8).withUnsafeBytes { write(vanishing.fd, $0.baseAddress, $0.count) }
                vanishing.close()
                connection.close()
                connection = try RawClient(path: conductor.socketPath)
            }
        }
        connection.close()
        let health = try await conductor.client.call(RPCMethod.conductorHealth, params: Empty(), as: HealthResult.self)
        #expect(health.status == "ok")
        try await conductor.waitUntil(timeout: 10) { Self.openFiles(pid) <= baseline }
    }
}

struct ScoreFuzzTests {
    /// Mutations of the example scores: validation answers valid or invalid, never crashes.
    @Test func mutatedScoresNeverCrashValidate() async throws {
        let mutations = Reliability.size(short: 150, full: 1000)
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Examples")
        let sources = try FileManager.default.contentsOfDirectory(atPath: examples.path).filter { $0.hasSuffix(".yaml") }
            .map { try String(contentsOfFile: examples.appendingPathComponent($0).path, encoding: .utf8) }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var generator = SystemRandomNumberGenerator()
        let noise: [String] = [":", "- ", "{", "}", "[", "]", "&a ", "*a", "\t", "'", "\"", "{{", "{%", "%}", "\n  ", "#", "|", ">", "!!binary ", "\u{0}"]
        var outcomes: [Int32: Int] = [:]
        for i in 0..<mutations {
            var bytes = Array(sources[i % sources.count].utf8)
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let at = Int.random(in: 0..<max(1, bytes.count), using: &generator)
                switch Int.random(in: 0...2, using: &generator) {
                case 0: bytes.insert(contentsOf: noise.randomElement(using: &generator)!.utf8, at: at)
                case 1: if !bytes.isEmpty { bytes.remove(at: min(at, bytes.count - 1)) }
                default: if at < bytes.count { bytes[at] = UInt8.random(in: 32...126, using: &generator) }
                }
            }
            let path = dir.file("m\(i).yaml")
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let result = try await TestConductor.run(TestConductor.binary, ["validate", path], timeout: 20)
            outcomes[result.exitCode, default: 0] += 1
            #expect([0, 65, 66].contains(result.exitCode), "exit \(result.exitCode) for mutation \(i): \(result.stderr)")
        }
        #expect(outcomes.keys.allSatisfy { [0, 65, 66].contains($0) })
    }
}

@Suite(.serialized)
struct FaultTests {
    @Test func anUnwritableWorkspaceIsRefusedClearly() async throws {
        guard getuid() != 0 else {
            // root writes anywhere; use a path under a regular file instead.
            let fx = try await JobFixture()
            let file = fx.dir.file("plain-file")
            FileManager.default.createFile(atPath: file, contents: nil)
            let path = try fx.score("blocked", "name: blocked\nworkspace: \(file)/ws\nprompt: {template: \"true\"}\nbackend: {type: command}\n")
            let result = try await fx.mzt("submit", path)
            #expect(result.exitCode == 66)
            #expect(result.stderr.contains("cannot be created"))
            #expect(try await fx.mzt("conductor-status").exitCode == 0)
            return
        }
    }

    @Test func aWorkspaceThatVanishesFailsOnlyItsJob() async throws {
        let fx = try await JobFixture()
        let gate = fx.dir.file("gate")
        let doomed = try fx.score("doomed", """
            name: doomed
            workspace: ./doomed-ws
            sheet: {size: 1, total_items: 2}
            prompt: {template: "while [ ! -e \(gate) ]; do sleep 0.05; done"}
            backend: {type: command}
            """)
        let healthy = try fx.score("fine", "name: fine\nworkspace: ./fine-ws\nprompt: {template: \"while [ ! -e \(gate) ]; do sleep 0.05; done\"}\nbackend: {type: command}\n")
        #expect(try await fx.mzt("submit", doomed).exitCode == 0)
        #expect(try await fx.mzt("submit", healthy).exitCode == 0)
        try await fx.waitForStatus("doomed") { $0.job.status == .running }
        try FileManager.default.removeItem(atPath: fx.workspace("doomed-ws"))
        FileManager.default.createFile(atPath: gate, contents: nil)
        #expect(try await fx.mzt("wait", "doomed", "--timeout", "30").exitCode == 1)
        #expect(try await fx.status("doomed").job.error != nil)
        #expect(try await fx.mzt("wait", "fine", "--timeout", "30").exitCode == 0)
    }

    @Test func aCheckpointDeletedMidRunIsWrittenAgain() async throws {
        let fx = try await JobFixture()
        let gate = fx.dir.file("gate")
        let path = try fx.score("deleted", """
            name: deleted
            workspace: ./deleted-ws
            sheet: {size: 1, total_items: 2}
            prompt: {template: "while [ ! -e \(gate) ]; do sleep 0.05; done"}
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        try await fx.waitForStatus("deleted") { $0.job.status == .running }
        let checkpoint = CheckpointStore.path(workspace: fx.workspace("deleted-ws"), jobID: "deleted")
        try FileManager.default.removeItem(atPath: checkpoint)
        FileManager.default.createFile(atPath: gate, contents: nil)
        #expect(try await fx.mzt("wait", "deleted", "--timeout", "30").exitCode == 0)
        #expect(try CheckpointStore.read(from: checkpoint).status == .completed)
    }

    @Test func aModuleThatWritesGarbageOrFloodsKeepsTheConductorUp() async throws {
        let fx = try await JobFixture()
        let module = fx.dir.file("garbage")
        try FileManager.default.createDirectory(atPath: module, withIntermediateDirectories: true)
        try #"{"id": "garbage", "name": "Garbage", "version": "1", "entrypoint": "run.sh"}"#
            .write(toFile: module + "/module.json", atomically: true, encoding: .utf8)
        try "#!/bin/bash\nhead -c 300000 /dev/urandom\necho '{\"result\": '\nhead -c 2000000 /dev/zero | tr '\\\\0' x\nexit 3\n"
            .write(toFile: module + "/run.sh", atomically: true, encoding: .utf8)
        chmod(module + "/run.sh", 0o755)
        #expect(try await fx.mzt("module", "install", module).exitCode == 0)
        #expect(try await fx.mzt("run", "garbage").exitCode == 0)
        #expect(try await fx.mzt("wait", "garbage", "--timeout", "60").exitCode == 1)
        #expect(try await fx.status("garbage").job.error?.contains("exit code 3") == true)
        #expect(try await fx.mzt("conductor-status").exitCode == 0)
    }
}

struct SecurityTests {
    @Test func configPathTricksAreRefusedAndWorkspacesResolveAsInMarianne() async throws {
        let fx = try await JobFixture()
        let path = try fx.score("tricky", "name: tricky\nworkspace: ./ws\nprompt: {template: \"true\"}\nbackend: {type: command}\n")
        let client = fx.conductor.client
        let dotted = fx.dir.path + "/sub/../tricky.yaml"
        await #expect(throws: (any Error).self) {
            _ = try await client.call(RPCMethod.jobSubmit, params: SubmitParams(configPath: dotted), as: SubmitResult.self)
        }
        // A workspace may go up with `..`: it is resolved against the score's folder.
        let folder = fx.dir.file("scores")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let up = folder + "/up.yaml"
        try "name: up\nworkspace: ../up-ws\nprompt: {template: \"true\"}\nbackend: {type: command}\n".write(toFile: up, atomically: true, encoding: .utf8)
        #expect(try await fx.mzt("submit", up, "--wait").exitCode == 0)
        #expect(try await fx.status("up").job.workspace == RealPath.resolve(fx.workspace("up-ws")))
        // A symlinked workspace is resolved to its target, as Marianne resolves it.
        let target = fx.dir.file("real-ws")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        symlink(target, fx.dir.file("link-ws"))
        let linked = try fx.score("linked", "name: linked\nworkspace: ./link-ws\nprompt: {template: \"true\"}\nbackend: {type: command}\n")
        #expect(try await fx.mzt("submit", linked, "--wait").exitCode == 0)
        #expect(try await fx.status("linked").job.workspace == RealPath.resolve(target))
        _ = path
    }

    @Test func valuesInValidationCommandsCannotInjectShell() async throws {
        let fx = try await JobFixture()
        let marker = fx.dir.file("injected")
        let dir = fx.dir.file("ws $(touch \(marker))")
        let path = try fx.score("quoted", """
            name: quoted
            workspace: "./ws $(touch \(marker))"
            prompt: {template: "echo ok > out.txt"}
            validations:
              - {type: command_succeeds, command: "test -s {workspace}/out.txt"}
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        #expect(FileManager.default.fileExists(atPath: dir + "/out.txt"))
        #expect(!FileManager.default.fileExists(atPath: marker))
    }
}
