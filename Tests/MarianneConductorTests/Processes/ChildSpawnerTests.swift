import Foundation
import MarianneTestSupport
import Testing
@testable import MarianneConductor

/// What a child gets from the conductor's own spawn path, seen from inside the child.
struct ChildSpawnerTests {
    func run(_ executable: String, _ arguments: [String], in dir: TemporaryDirectory, newSession: Bool = false) async throws -> String {
        let out = dir.file("out-\(UInt32.random(in: 0...UInt32.max)).txt")
        var spec = ProcessSpec(executable: executable, arguments: arguments, workingDirectory: dir.path, stdout: .file(out))
        spec.newSession = newSession
        let outcome = try await ProcessRunner.run(spec, grace: 1)
        #expect(outcome.status.succeeded)
        return try String(contentsOfFile: out, encoding: .utf8)
    }

    /// Signals this process ignores (SIGPIPE, as the event loop does) are back to their
    /// default in the child, none is blocked, and a descriptor this process left inheritable
    /// does not reach it: it has 0, 1 and 2 only.
    @Test func aChildStartsWithDefaultSignalsNoneBlockedAndOnlyItsThreeDescriptors() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        signal(SIGPIPE, SIG_IGN)
        signal(SIGURG, SIG_IGN)
        let inheritable = open("/dev/null", O_RDONLY)
        #expect(inheritable >= 0)
        defer { close(inheritable) }

        let status = try await run("/bin/cat", ["/proc/self/status"], in: dir)
        func field(_ name: String) -> String? {
            status.split(separator: "\n").first { $0.hasPrefix(name + ":") }.map { $0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces) }
        }
        #expect(field("SigIgn") == "0000000000000000")
        #expect(field("SigBlk") == "0000000000000000")

        // `ls` opens the folder it lists as descriptor 3.
        let descriptors = try await run("/bin/ls", ["/proc/self/fd"], in: dir).split(separator: "\n").map(String.init)
        #expect(descriptors.sorted() == ["0", "1", "2", "3"])
    }

    /// Each child leads a process group of its own; with `newSession` also a session.
    @Test func aChildLeadsItsOwnGroupOrSession() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        for newSession in [false, true] {
            let stat = try await run("/bin/cat", ["/proc/self/stat"], in: dir, newSession: newSession)
            let pid = try #require(Int32(stat.prefix { $0 != " " }))
            let fields = try #require(stat.split(separator: ")").last).split(separator: " ")
            // After the command name: state, parent, process group, session.
            let group = try #require(Int32(fields[2]))
            let session = try #require(Int32(fields[3]))
            #expect(group == pid)
            #expect(newSession ? session == pid : session == getsid(0))
        }
    }

    /// A file that exists and is executable but cannot be run is an error of the spawn,
    /// with the system's reason; so is an argument with a NUL byte.
    @Test func aProgramThatCannotBeExecutedFailsToStart() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("not-a-program")
        try Data([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x00, 0x00]).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o755)
        // A child another test starts while the file is still open for writing holds a copy
        // of that descriptor until its own exec ("Text file busy"): try again until it is gone.
        let deadline = ContinuousClock.now + .seconds(30)
        var reason = ""
        repeat {
            do {
                _ = try await ProcessRunner.run(ProcessSpec(executable: path, workingDirectory: dir.path), grace: 1)
                Issue.record("a file that is not a program started")
                return
            } catch {
                reason = error.description
            }
            if reason.contains("Text file busy") { try await Task.sleep(for: .milliseconds(10)) }
        } while reason.contains("Text file busy") && ContinuousClock.now < deadline
        #expect(reason.contains("Exec format error"))
        await #expect(throws: SpawnError.self) {
            _ = try await ProcessRunner.run(ProcessSpec(executable: "/bin/echo", arguments: ["a\u{0}b"], workingDirectory: dir.path), grace: 1)
        }
    }

    /// Children started and ending together each get their own exit status.
    @Test func manyChildrenAtOnceEachGetTheirOwnExitStatus() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let statuses = try await withThrowingTaskGroup(of: (Int32, MarianneConductor.ExitStatus).self) { group in
            for code in Int32(0)..<64 {
                group.addTask {
                    let spec = ProcessSpec(executable: "/bin/sh", arguments: ["-c", "exit \(code)"], workingDirectory: dir.path)
                    return (code, try await ProcessRunner.run(spec, grace: 1).status)
                }
            }
            var all: [Int32: MarianneConductor.ExitStatus] = [:]
            for try await (code, status) in group { all[code] = status }
            return all
        }
        #expect(statuses.count == 64)
        for (code, status) in statuses { #expect(status == .exited(code)) }
    }

    /// Without a pidfd (a kernel before 5.2) a child is waited for by its pid.
    @Test func aChildWithoutAPidfdIsWaitedForByPid() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(null) }
        let request = ChildSpawner.Request(executable: "/bin/sh", arguments: ["-c", "exit 7"], environment: [:], workingDirectory: dir.path, newSession: false)
        let child = try ChildSpawner.spawn(request, stdin: null, stdout: null, stderr: null)
        #expect(child.pidfd >= 0)
        close(child.pidfd)
        #expect(await ChildExits.shared.exit(of: ChildSpawner.Child(pid: child.pid, pidfd: -1)) == .exited(7))
    }
}
