import Foundation
import MarianneProtocol

/// Runs child processes: the one way the conductor starts a program (sheets, validations,
/// hooks, modules). Each child leads a new process group; `run` waits for it with a
/// timeout, stops its group (TERM, then KILL after the grace period) on timeout or task
/// cancellation, and before returning stops whatever the child left behind: the rest of
/// its group and any descendant that escaped into its own session. `ChildSpawner` starts
/// the child (a vfork-style clone with a pidfd) on the calling thread, and `ChildExits`
/// waits for it (one epoll thread for all children).
public enum ProcessRunner {
    /// Environment variable every child gets, unique per run: descendants that left the
    /// process group are recognised by it.
    public static let tokenVariable = "MZT_PROCESS_TOKEN"

    /// Starts `spec` and waits for it. `started` is called once the child exists (to record
    /// its process group). Throws only when the child cannot be started.
    public static func run(
        _ spec: ProcessSpec, timeout: Double? = nil, grace: Double,
        started: @escaping @Sendable (StartedProcess) async -> Void = { _ in }
    ) async throws(SpawnError) -> ProcessOutcome {
        let executable = try ExecutableLookup.resolve(spec.executable, path: spec.environment["PATH"])
        try ExecutableLookup.checkDirectory(spec.workingDirectory)
        let token = UInt64.random(in: 1...UInt64.max).hexString
        var environment = spec.environment
        environment[tokenVariable] = token
        let outputs: ChildOutputs
        do {
            outputs = try ChildOutputs(stdout: spec.stdout, stderr: spec.stderr)
        } catch {
            throw SpawnError(.system, "\(error)")
        }
        let control = RunControlState()
        let request = ChildSpawner.Request(
            executable: executable, arguments: spec.arguments, environment: environment,
            workingDirectory: spec.workingDirectory, newSession: spec.newSession
        )
        let readers = outputs.readers
        // Output that goes only to files has no pipe to drain: no reading task, no race.
        let reading: Task<Void, Never>? = readers.isEmpty ? nil : Task {
            await withTaskGroup(of: Void.self) { group in
                for reader in readers { group.addTask { await reader.drain() } }
            }
        }
        let spawned: Result<ExitStatus, SpawnError> = await withTaskCancellationHandler {
            let result = await spawnAndWait(request, stdin: spec.stdin, outputs: outputs, control: control, grace: grace, timeout: timeout, started: started)
            outputs.closeChildEnds()
            if case .success = result, let pid = control.pid {
                await ProcessGroups.stopRemaining(pid, grace: grace)
                await Descendants.stopEscaped(token: token, grace: grace)
            }
            return result
        } onCancel: {
            control.cancel(grace: grace)
        }
        // Readers end at EOF; a writer we could not stop must not hold us for ever.
        if let reading {
            let drained = await withTaskGroup(of: Bool.self) { race in
                race.addTask {
                    await reading.value
                    return true
                }
                race.addTask {
                    try? await Task.sleep(for: .seconds(2))
                    return false
                }
                let first = await race.next() ?? true
                race.cancelAll()
                return first
            }
            if !drained {
                reading.cancel()
                await reading.value
            }
        }
        ChildTable.shared.reapOrphans()
        switch spawned {
        case .success(let status):
            return ProcessOutcome(status: status, timedOut: control.timedOut, cancelled: control.cancelled)
        case .failure(let error):
            throw error
        }
    }

    private static func spawnAndWait(
        _ request: ChildSpawner.Request, stdin: ProcessSpec.Input, outputs: ChildOutputs, control: RunControlState,
        grace: Double, timeout: Double?, started: @escaping @Sendable (StartedProcess) async -> Void
    ) async -> Result<ExitStatus, SpawnError> {
        let input: Int32
        do throws(SpawnError) {
            switch stdin {
            case .null:
                input = open("/dev/null", O_RDONLY | O_CLOEXEC)
                guard input >= 0 else { throw SpawnError(.system, "cannot open /dev/null: \(String(cString: strerror(errno)))") }
            case .bytes(let bytes):
                input = try StdinFile.open(bytes)
            }
        } catch {
            control.exited()
            return .failure(error)
        }
        ChildTable.shared.beginSpawn()
        let child: ChildSpawner.Child
        do {
            child = try ChildSpawner.spawn(request, stdin: input, stdout: outputs.stdoutFD, stderr: outputs.stderrFD)
        } catch {
            close(input)
            ChildTable.shared.endSpawn(pid: nil)
            control.exited()
            return .failure(error)
        }
        close(input)
        ChildTable.shared.endSpawn(pid: child.pid)
        // The child's ends of its output pipes: only the child holds them now, so the
        // readers see end of file when it (and whatever inherited them) is done.
        outputs.closeChildEnds()
        control.started(pid: child.pid, grace: grace, timeout: timeout)
        await started(StartedProcess(pid: child.pid))
        let status = await ChildExits.shared.exit(of: child)
        control.exited()
        ChildTable.shared.finished(pid: child.pid)
        guard let status else {
            return .failure(SpawnError(.system, "the child \(child.pid) of \(request.executable) was reaped elsewhere; its exit status is lost"))
        }
        return .success(status)
    }
}

extension UInt64 {
    var hexString: String {
        let digits = String(self, radix: 16)
        return String(repeating: "0", count: Swift.max(0, 16 - digits.count)) + digits
    }
}
