import Foundation
import MarianneCore
import MarianneProtocol

/// One call of an instrument, as its profile says: the invocation (arguments, stdin,
/// environment, its own process group and session), the run (timeout, stale detection),
/// then its output read (result, tokens) and its failure classified.
struct InstrumentRun: Sendable {
    var profile: InstrumentProfile
    var settings: InstrumentSettings
    var prompt: String
    var timeout: Double
    var workspace: String
    /// Where the tool runs when the job has a worktree (else the settings' folder, or the workspace).
    var worktree: String?
    var baseEnvironment: [String: String]
    var conductorVariables: [String: String]
    var backendEnvironment: [String: String]
    var stdoutPath: String
    var stderrPath: String
    /// The answer, when the output is structured (`.result` next to `.out`).
    var resultPath: String
    var lines: (stdout: OutputLines, stderr: OutputLines)?
    var stale: StaleDetectionConfig
    var extraRateLimitPatterns: [String]
    var killGrace: Double
    /// Which attempt this is, for the executor (a Slurm job's name and comment).
    var identity: Identity
    /// The Slurm job an earlier conductor submitted for this attempt: followed, not submitted.
    var reattach: SlurmAttemptRecord? = nil

    struct Identity: Sendable {
        var jobID: String
        var sheet: Int
        var attempt: Int
    }

    struct Outcome: Sendable {
        var status: ExitStatus?
        var timedOut = false
        var cancelled = false
        var stale = false
        var spawnError: SpawnError?
        var output = InstrumentOutput(result: "")
        var failure: (kind: InstrumentFailureKind, evidence: String?)?
        var stdoutTail = ""
        var stderrTail = ""
        var duration: Double = 0
        /// The attempt's Slurm job is gone (`ExecutionResult.lost`).
        var lost = false
        /// Why the executor says it failed when the exit status alone does not (a Slurm state).
        var executorFailure: String?
    }

    /// Output read for parsing, at most (a tool's JSON answer is far smaller).
    static let maxParsedBytes = 16 * 1024 * 1024

    func invocation() -> InstrumentInvocation? {
        var settings = settings
        if let worktree, settings.workingDirectory == nil { settings.workingDirectory = worktree }
        let systemPromptText = settings.systemPrompt == nil ? settings.systemPromptFile.flatMap(readSystemPrompt) : nil
        return InstrumentInvocation.make(profile, settings: settings, context: .init(
            prompt: prompt, timeoutSeconds: timeout, workspace: workspace, parentEnvironment: baseEnvironment,
            conductorVariables: conductorVariables, systemPromptFileText: systemPromptText, backendEnvironment: backendEnvironment
        ))
    }

    private func readSystemPrompt(_ path: String) -> String? {
        let full = path.hasPrefix("/") ? path : (workspace as NSString).appendingPathComponent(path)
        return OutputTail.head(of: full, limit: 1024 * 1024)
    }

    /// `bash -c LINE` where the line is plain words (`DirectCommand`) and its program is on
    /// PATH runs the program itself, with what bash would have exported to it (`PWD`, `SHLVL`,
    /// `_`): one process start less per sheet. Anything else stays with bash.
    static func runWithoutShell(_ spec: inout ProcessSpec) {
        guard spec.executable == "bash" || spec.executable == "/bin/bash" || spec.executable == "/usr/bin/bash",
            spec.arguments.count == 2, spec.arguments[0] == "-c", let words = DirectCommand.words(spec.arguments[1]),
            let program = try? ExecutableLookup.resolve(words[0], path: spec.environment["PATH"])
        else { return }
        spec.executable = program
        spec.arguments = Array(words.dropFirst())
        spec.environment["PWD"] = spec.workingDirectory
        // bash counts itself in SHLVL, then uncounts itself when it execs the last command.
        if spec.environment["SHLVL"] == nil { spec.environment["SHLVL"] = "0" }
        spec.environment["_"] = program
    }

    /// Plays the instrument on `executor` (this machine, or Slurm).
    func run(on executor: any SheetExecutor, started: @escaping @Sendable (AttemptHandle) async -> Void) async -> Outcome {
        var outcome = Outcome()
        guard let invocation = invocation() else {
            outcome.failure = (.failed, nil)
            outcome.spawnError = SpawnError(.system, "\(profile.name) is an \(profile.kind) instrument; only command-line instruments run here")
            return outcome
        }
        let stdout: ProcessSpec.Output = lines.map { .fileAndLines(stdoutPath, $0.stdout) } ?? .file(stdoutPath)
        let stderr: ProcessSpec.Output = lines.map { .fileAndLines(stderrPath, $0.stderr) } ?? .file(stderrPath)
        var spec = ProcessSpec(
            executable: invocation.executable, arguments: invocation.arguments, environment: invocation.environment,
            workingDirectory: invocation.workingDirectory, stdin: invocation.stdin.map { .bytes(Array($0.utf8)) } ?? .null,
            stdout: stdout, stderr: stderr
        )
        if executor is LocalExecutor { Self.runWithoutShell(&spec) }
        spec.newSession = profile.cli?.command.startNewSession ?? false
        let request = ExecutionRequest(
            jobID: identity.jobID, sheet: identity.sheet, attempt: identity.attempt, workspace: workspace, command: reattach == nil ? spec : nil,
            stdoutPath: stdoutPath, stderrPath: stderrPath, output: lines, timeout: invocation.timeoutSeconds, grace: killGrace, reattach: reattach
        )
        let clock = ContinuousClock.now
        let staleFlag = Flag()
        let result: Result<ExecutionResult, SpawnError> = await withTaskGroup(of: Result<ExecutionResult, SpawnError>?.self) { group in
            group.addTask {
                do throws(SpawnError) {
                    return .success(try await executor.execute(request, handle: started))
                } catch {
                    return .failure(error)
                }
            }
            if stale.enabled {
                let watch = StaleWatch(config: stale, files: [stdoutPath, stderrPath])
                group.addTask {
                    if await watch.wait() { staleFlag.set() }
                    return nil
                }
            }
            var answer: Result<ExecutionResult, SpawnError> = .failure(SpawnError(.system, "the attempt did not run"))
            while let next = await group.next() {
                if let next {
                    answer = next
                    group.cancelAll()
                } else if staleFlag.isSet {
                    group.cancelAll()
                }
            }
            return answer
        }
        outcome.duration = Self.seconds(ContinuousClock.now - clock)
        let ended: ExecutionResult
        switch result {
        case .failure(let error):
            outcome.spawnError = error
            return outcome
        case .success(let value):
            ended = value
        }
        outcome.status = ended.status
        outcome.timedOut = ended.timedOut
        outcome.lost = ended.lost
        outcome.executorFailure = ended.failure
        outcome.stale = staleFlag.isSet && ended.cancelled
        outcome.cancelled = ended.cancelled && !outcome.stale
        outcome.stdoutTail = OutputTail.of(stdoutPath)
        outcome.stderrTail = OutputTail.of(stderrPath)
        if outcome.cancelled || outcome.lost { return outcome }
        if outcome.stale {
            outcome.failure = (.stale, "no output for \(DurationFormatter.human(stale.idleTimeoutSeconds))")
            return outcome
        }
        if outcome.timedOut {
            outcome.failure = (.timeout, nil)
            return outcome
        }
        readOutput(into: &outcome, spec: invocation.output)
        if outcome.failure == nil, let said = ended.failure { outcome.failure = (.failed, said) }
        return outcome
    }

    /// Parses the output, classifies it, keeps the answer.
    private func readOutput(into outcome: inout Outcome, spec: CLIOutputSpec) {
        let classifier = InstrumentErrorClassifier(profile.cli?.errors ?? CLIErrorSpec(), extraRateLimitPatterns: extraRateLimitPatterns)
        let succeeded = classifier.isSuccess(exitCode: outcome.status?.exitCode)
        let stdout = spec.format == .text ? outcome.stdoutTail : (OutputTail.head(of: stdoutPath, limit: Self.maxParsedBytes) ?? "")
        outcome.output = InstrumentOutput.parse(spec, stdout: stdout, succeeded: succeeded)
        outcome.failure = classifier.classify(exitCode: outcome.status?.exitCode, stdout: stdout, stderr: outcome.stderrTail, output: outcome.output)
        if spec.format != .text, outcome.output.structured {
            Self.write(outcome.output.result, to: resultPath)
            outcome.stdoutTail = String(outcome.output.result.suffix(4096))
        }
    }

    /// Writes the answer file (0600, never through a symlink); a failure only loses the copy.
    static func write(_ text: String, to path: String) {
        guard let fd = try? SafeFile.create(path) else { return }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            written += count
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// A flag set once from any task.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
