import Foundation
import MarianneProtocol
import Subprocess
import SystemPackage

/// Runs child processes: the one way the conductor starts a program (sheets, validations,
/// hooks, modules). Each child leads a new process group; `run` waits for it with a
/// timeout, stops its group (TERM, then KILL after the grace period) on timeout or task
/// cancellation, and before returning stops whatever the child left behind: the rest of
/// its group and any descendant that escaped into its own session. Spawning and waiting
/// are swift-subprocess's (posix_spawn, one pidfd/epoll monitor thread for all children).
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
        let configuration = Configuration(
            executable: .path(FilePath(executable)), arguments: Arguments(spec.arguments),
            environment: .custom(Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(stringLiteral: $0.key), $0.value) })),
            workingDirectory: FilePath(spec.workingDirectory), platformOptions: spec.newSession ? Self.sessionOptions : Self.options
        )
        let readers = outputs.readers
        // Output that goes only to files has no pipe to drain: no reading task, no race.
        let reading: Task<Void, Never>? = readers.isEmpty ? nil : Task {
            await withTaskGroup(of: Void.self) { group in
                for reader in readers { group.addTask { await reader.drain() } }
            }
        }
        let spawned: Result<ExitStatus, SpawnError> = await withTaskCancellationHandler {
            let result = await spawnAndWait(configuration, stdin: spec.stdin, outputs: outputs, control: control, grace: grace, timeout: timeout, started: started)
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

    private static let options: PlatformOptions = {
        var options = PlatformOptions()
        options.processGroupID = 0
        return options
    }()

    /// A new session, whose leader also leads its process group.
    private static let sessionOptions: PlatformOptions = {
        var options = PlatformOptions()
        options.createSession = true
        options.processGroupID = 0
        return options
    }()

    private static func spawnAndWait(
        _ configuration: Configuration, stdin: ProcessSpec.Input, outputs: ChildOutputs, control: RunControlState,
        grace: Double, timeout: Double?, started: @escaping @Sendable (StartedProcess) async -> Void
    ) async -> Result<ExitStatus, SpawnError> {
        ChildTable.shared.beginSpawn()
        var registered = false
        do {
            let body: @Sendable (Int32) async -> Void = { pid in
                control.started(pid: pid, grace: grace, timeout: timeout)
                await started(StartedProcess(pid: pid))
            }
            let status: TerminationStatus
            switch stdin {
            case .null:
                status = try await Subprocess.run(
                    configuration, input: .none, output: outputs.stdoutOutput, error: outputs.stderrOutput
                ) { execution in
                    ChildTable.shared.endSpawn(pid: execution.processIdentifier.value)
                    await body(execution.processIdentifier.value)
                }.terminationStatus
            case .bytes(let bytes):
                let input = try StdinFile.open(bytes)
                defer { close(input) }
                status = try await Subprocess.run(
                    configuration, input: .fileDescriptor(FileDescriptor(rawValue: input), closeAfterSpawningProcess: false),
                    output: outputs.stdoutOutput, error: outputs.stderrOutput
                ) { execution in
                    ChildTable.shared.endSpawn(pid: execution.processIdentifier.value)
                    await body(execution.processIdentifier.value)
                }.terminationStatus
            }
            registered = true
            control.exited()
            if let pid = control.pid { ChildTable.shared.finished(pid: pid) }
            switch status {
            case .exited(let code): return .success(.exited(code))
            case .signaled(let signal): return .success(.signaled(signal))
            }
        } catch {
            if !registered, control.pid == nil { ChildTable.shared.endSpawn(pid: nil) }
            control.exited()
            if let pid = control.pid { ChildTable.shared.finished(pid: pid) }
            return .failure(SpawnError(.system, "could not start \(configuration.executable): \(error)"))
        }
    }
}

extension UInt64 {
    var hexString: String {
        let digits = String(self, radix: 16)
        return String(repeating: "0", count: Swift.max(0, 16 - digits.count)) + digits
    }
}
