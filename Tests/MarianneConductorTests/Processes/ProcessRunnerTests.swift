import Foundation
import MarianneTestSupport
import Testing
@testable import MarianneConductor

/// Collects what an `OutputLines` handler receives.
final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [OutputLines.Event] = []

    func add(_ event: OutputLines.Event) { lock.withLock { events.append(event) } }
    var all: [OutputLines.Event] { lock.withLock { events } }
    var lines: [String] { all.compactMap { if case .line(let text) = $0 { return text } else { return nil } } }
    var dropped: Int { all.reduce(0) { if case .dropped(let n) = $1 { return $0 + n } else { return $0 } } }
}

struct ProcessRunnerTests {
    func bash(_ script: String, in dir: TemporaryDirectory, stdout: ProcessSpec.Output = .null, stderr: ProcessSpec.Output = .null, stdin: ProcessSpec.Input = .null) -> ProcessSpec {
        ProcessSpec(executable: "/bin/bash", arguments: ["-c", script], workingDirectory: dir.path, stdin: stdin, stdout: stdout, stderr: stderr)
    }

    @Test func reportsExitCodesAndSignals() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        #expect(try await ProcessRunner.run(bash("exit 3", in: dir), grace: 1).status == .exited(3))
        #expect(try await ProcessRunner.run(bash("kill -9 $$", in: dir), grace: 1).status == .signaled(9))
    }

    /// The child gets exactly the spec's environment (values with `=`, spaces, quotes and
    /// non-ASCII text intact) plus the process token; an unusable name is refused before spawning.
    @Test func theChildGetsTheEnvironmentAsGiven() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("env.txt")
        let given = ["PATH": "/usr/bin:/bin", "A": "x=y=z", "SPACED": "one two 'three'", "ÉTÉ": "été ☀", "EMPTY": ""]
        var spec = ProcessSpec(executable: "/usr/bin/env", arguments: ["-0"], environment: given, workingDirectory: dir.path, stdout: .file(out))
        #expect(try await ProcessRunner.run(spec, grace: 1).status.succeeded)
        let seen = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\0").map(String.init)
        var expected = given.map { "\($0.key)=\($0.value)" }
        let token = seen.first { $0.hasPrefix(ProcessRunner.tokenVariable + "=") }
        #expect(token != nil)
        expected.append(token ?? "")
        #expect(seen.sorted() == expected.sorted())

        for bad in ["A=B": "v", "9LIVES": "v", "NUL": "a\u{0}b"] as [String: String] {
            spec.environment = given.merging([bad.key: bad.value]) { $1 }
            await #expect(throws: SpawnError.self) { _ = try await ProcessRunner.run(spec, grace: 1) }
        }
    }

    @Test func aChildThatExitsWithoutReadingItsStdinIsJustAnExit() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // A pipe fed while such a child exits used to stop the whole process (swift-subprocess).
        let input = ProcessSpec.Input.bytes(Array(repeating: UInt8(ascii: "x"), count: 1_000_000))
        for _ in 0..<20 {
            #expect(try await ProcessRunner.run(bash("exit 1", in: dir, stdin: input), grace: 1).status == .exited(1))
        }
        let out = dir.file("count.txt")
        #expect(try await ProcessRunner.run(bash("wc -c", in: dir, stdout: .file(out), stdin: input), grace: 1).status.succeeded)
        #expect(try String(contentsOfFile: out, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == "1000000")
    }

    @Test func writesOutputToPrivateFilesAndFeedsStdin() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out.txt")
        let outcome = try await ProcessRunner.run(bash("tr a-z A-Z", in: dir, stdout: .file(out), stdin: .bytes(Array("hello\n".utf8))), grace: 1)
        #expect(outcome.status.succeeded)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "HELLO\n")
        var info = stat()
        stat(out, &info)
        #expect(info.st_mode & 0o777 == 0o600)
    }

    @Test func refusesToWriteThroughASymlink() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let target = dir.file("target")
        _ = FileManager.default.createFile(atPath: target, contents: Data("keep".utf8))
        symlink(target, dir.file("planted"))
        await #expect(throws: SpawnError.self) {
            _ = try await ProcessRunner.run(bash("echo overwritten", in: dir, stdout: .file(dir.file("planted"))), grace: 1)
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep")
    }

    @Test func aMissingProgramFailsAtOnceAsNotFound() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let spec = ProcessSpec(executable: "no-such-program-here", environment: ["PATH": "/usr/bin:/bin"], workingDirectory: dir.path)
        do {
            _ = try await ProcessRunner.run(spec, grace: 1)
            Issue.record("a missing program started")
        } catch {
            #expect(error.kind == .notFound)
        }
    }

    @Test func aTimeoutStopsTheWholeGroupIncludingGrandchildren() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let started = ContinuousClock.now
        // Long enough for bash to start its child on a loaded machine before the timeout ends it.
        let outcome = try await ProcessRunner.run(bash("sleep 300 & echo $! > child.pid; wait", in: dir), timeout: 5, grace: 1)
        #expect(outcome.timedOut)
        #expect(ContinuousClock.now - started < .seconds(60))
        let child = try #require(Int32(String(contentsOfFile: dir.file("child.pid"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        try await Poll.until(timeout: 5) { kill(child, 0) != 0 || ProcFS.state(pid: child) == "Z" }
    }

    @Test func cancellingTheTaskStopsTheGroup() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let spec = bash("echo $$ > leader.pid; sleep 300", in: dir)
        let task = Task { try await ProcessRunner.run(spec, grace: 1) }
        try await Poll.until(timeout: 60) { FileManager.default.fileExists(atPath: dir.file("leader.pid")) }
        task.cancel()
        let outcome = try await task.value
        #expect(outcome.cancelled)
        #expect(outcome.status == .signaled(SIGTERM))
    }

    @Test func linesWithBackPressureLoseNothing() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let collector = LineCollector()
        let lines = OutputLines(overflow: .wait, capacity: 4) { event in
            // A slow consumer: the child must wait for it.
            if case .line(let text) = event, text.hasSuffix("00") { try? await Task.sleep(for: .milliseconds(5)) }
            collector.add(event)
        }
        let outcome = try await ProcessRunner.run(bash("seq 1 3000", in: dir, stdout: .lines(lines)), grace: 1)
        #expect(outcome.status.succeeded)
        #expect(collector.lines == (1...3000).map(String.init))
        #expect(collector.dropped == 0)
    }

    @Test func linesThatCanBeDroppedAreCountedAndTheFileKeepsThemAll() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let collector = LineCollector()
        let gate = AsyncGate()
        let lines = OutputLines(overflow: .drop, capacity: 8) { event in
            await gate.wait()
            collector.add(event)
        }
        let file = dir.file("all.out")
        let run = Task { try await ProcessRunner.run(self.bash("seq 1 5000", in: dir, stdout: .fileAndLines(file, lines)), grace: 1) }
        try await Poll.until(timeout: 60) {
            (try? String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").count) == 5000
        }
        await gate.open()
        #expect(try await run.value.status.succeeded)
        #expect(collector.dropped > 0)
        #expect(collector.lines.count + collector.dropped == 5000)
        #expect(collector.lines.first == "1")
    }
}

/// Holds callers until opened.
actor AsyncGate {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func open() {
        isOpen = true
        for continuation in waiting { continuation.resume() }
        waiting = []
    }
}
