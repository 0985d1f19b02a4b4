import Foundation
import MarianneProtocol
import MarianneCore

/// What one attempt of a sheet produced.
struct AttemptResult: Sendable {
    var status: ExitStatus?
    var timedOut: Bool
    var rateLimited: Bool
    var validations: [ValidationOutcome]
    var stdoutTail: String
    var stderrTail: String
    /// Why the attempt failed; nil when it succeeded.
    var failure: String?

    var succeeded: Bool { failure == nil }
}

/// Runs one attempt of one sheet: renders the command, runs the backend in the workspace in
/// its own process group, then checks validations stage by stage.
struct SheetExecutor: Sendable {
    let jobID: String
    let loaded: LoadedScore
    let killGrace: Double
    let baseEnvironment: [String: String]
    let rateLimitPatterns: [NSRegularExpressionBox]

    init(jobID: String, loaded: LoadedScore, killGrace: Double, baseEnvironment: [String: String]) {
        self.jobID = jobID
        self.loaded = loaded
        self.killGrace = killGrace
        self.baseEnvironment = baseEnvironment
        self.rateLimitPatterns = loaded.score.backend.rateLimitPatterns.compactMap(NSRegularExpressionBox.init)
    }

    var workspace: String { loaded.workspace }
    var totalSheets: Int { loaded.sheets.count }

    /// Runs the attempt. `started` receives the child as soon as it exists, so the caller can
    /// record its process group and stop it.
    func run(
        sheet: PlannedSheet, attempt: Int, failureContext: String?,
        started: @Sendable (ChildProcess) async -> Void,
        output: (@Sendable (String, Bool) async -> Void)? = nil
    ) async -> AttemptResult {
        let backend = loaded.score.backend
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: workspace, isDirectory: &isDirectory), isDirectory.boolValue else {
            return failed("workspace \(workspace) no longer exists")
        }
        let prompt: String
        do {
            prompt = try ScoreRenderer.renderPrompt(loaded, sheet: sheet, jobID: jobID)
        } catch {
            return failed("template error: \(error)")
        }
        let modifiedPaths = loaded.score.validations.filter { $0.type == .fileModified }.compactMap { rule in
            rule.path.map { expand($0, sheet: sheet, quote: false) }
        }
        let mtimesBefore = Dictionary(modifiedPaths.map { ($0, Self.mtime($0)) }, uniquingKeysWith: { first, _ in first })

        let stdoutPath = WorkspaceFiles.attemptOutput(workspace: workspace, jobID: jobID, sheet: sheet.number, attempt: attempt, stream: "out")
        let stderrPath = WorkspaceFiles.attemptOutput(workspace: workspace, jobID: jobID, sheet: sheet.number, attempt: attempt, stream: "err")
        var environment = baseEnvironment
        for (key, value) in backend.env { environment[key] = value }
        environment["MZT_JOB_ID"] = jobID
        environment["MZT_SHEET_NUM"] = String(sheet.number)
        environment["MZT_TOTAL_SHEETS"] = String(totalSheets)
        environment["MZT_WORKSPACE"] = workspace
        environment["MZT_ATTEMPT"] = String(attempt)
        if let failureContext { environment["MZT_FAILURE_CONTEXT"] = failureContext }

        var workingDirectory = workspace
        if let dir = backend.workingDirectory {
            workingDirectory = dir.hasPrefix("/") ? dir : (workspace as NSString).appendingPathComponent(dir)
        }
        let stdoutTarget: ProcessSpec.Output = backend.streamOutput ? .fileAndLines(stdoutPath) : .file(stdoutPath)
        let stderrTarget: ProcessSpec.Output = backend.streamOutput ? .fileAndLines(stderrPath) : .file(stderrPath)
        var spec: ProcessSpec
        switch backend.type {
        case .command:
            spec = ProcessSpec(
                executable: "/bin/bash", arguments: ["-c", prompt], environment: environment,
                workingDirectory: workingDirectory, stdin: .null, stdout: stdoutTarget, stderr: stderrTarget
            )
        case .claudeCLI:
            var text = prompt
            if let failureContext {
                text += "\n\nThe previous attempt failed. Failure context:\n\(failureContext)\n"
            }
            var arguments = backend.cliArgs
            var stdin = ProcessSpec.Input.null
            if text.utf8.count <= Self.maxPromptArgumentBytes {
                arguments += ["-p", text]
            } else {
                arguments += ["-p"]
                stdin = .bytes(Array(text.utf8))
            }
            spec = ProcessSpec(
                executable: backend.executable ?? "claude", arguments: arguments, environment: environment,
                workingDirectory: workingDirectory, stdin: stdin, stdout: stdoutTarget, stderr: stderrTarget
            )
        }

        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(spec)
        } catch {
            return failed("could not start the backend: \(error)")
        }
        await started(child)
        let streaming = Task {
            await withTaskGroup(of: Void.self) { group in
                for (stream, isError) in [(child.stdoutLines, false), (child.stderrLines, true)] {
                    guard let stream else { continue }
                    group.addTask {
                        for await line in stream { await output?(line, isError) }
                    }
                }
            }
        }
        let (status, timedOut) = await Self.wait(for: child, timeout: backend.timeoutSeconds, killGrace: killGrace)
        // Nothing the attempt started may outlive it.
        await child.terminateGroup(grace: killGrace)
        await streaming.value

        var result = AttemptResult(
            status: status, timedOut: timedOut, rateLimited: false, validations: [],
            stdoutTail: Self.tail(of: stdoutPath), stderrTail: Self.tail(of: stderrPath), failure: nil
        )
        if timedOut {
            result.failure = "timed out after \(DurationFormatter.human(backend.timeoutSeconds ?? 0))"
            return result
        }
        guard status.exitCode == 0 else {
            if backend.type == .claudeCLI, matchesRateLimit(result.stdoutTail + "\n" + result.stderrTail) {
                result.rateLimited = true
            }
            result.failure = Self.describe(status)
            return result
        }
        result.validations = await validate(sheet: sheet, mtimesBefore: mtimesBefore)
        if let failed = result.validations.first(where: { !$0.passed }) {
            result.failure = "validation failed: \(failed.description)" + (failed.message.map { " (\($0))" } ?? "")
        }
        return result
    }

    static let maxPromptArgumentBytes = 100_000

    private func failed(_ message: String) -> AttemptResult {
        AttemptResult(status: nil, timedOut: false, rateLimited: false, validations: [], stdoutTail: "", stderrTail: "", failure: message)
    }

    func expand(_ text: String, sheet: PlannedSheet, quote: Bool) -> String {
        ScoreRenderer.expandPlaceholders(text, sheet: sheet, totalSheets: totalSheets, workspace: workspace, jobID: jobID, quoteForShell: quote)
    }

    private func matchesRateLimit(_ text: String) -> Bool {
        rateLimitPatterns.contains { $0.matches(text) }
    }

    /// Waits for the child, stopping its group when the timeout passes or the task is cancelled.
    static func wait(for child: ChildProcess, timeout: Double?, killGrace: Double) async -> (ExitStatus, Bool) {
        await withTaskCancellationHandler {
            guard let timeout else { return (await child.wait(), false) }
            let expired = Flag()
            let status = await withTaskGroup(of: ExitStatus?.self) { group in
                group.addTask { await child.wait() }
                group.addTask {
                    try? await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
                    if Task.isCancelled { return nil }
                    expired.set()
                    await child.terminateGroup(grace: killGrace)
                    return nil
                }
                var result: ExitStatus?
                while let next = await group.next() {
                    if let next {
                        result = next
                        break
                    }
                }
                group.cancelAll()
                return result
            }
            if let status { return (status, expired.isSet) }
            return (await child.wait(), expired.isSet)
        } onCancel: {
            Task { await child.terminateGroup(grace: killGrace) }
        }
    }

    static func describe(_ status: ExitStatus) -> String {
        switch status {
        case .exited(let code): return "exit code \(code)"
        case .signaled(let signal): return "killed by signal \(signal)"
        }
    }

    static func mtime(_ path: String) -> Double? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
    }

    /// The last `limit` bytes of a file, decoded leniently.
    static func tail(of path: String, limit: Int = 4096) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > UInt64(limit) ? size - UInt64(limit) : 0
        try? handle.seek(toOffset: start)
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// A compiled regular expression that can cross concurrency domains (it is immutable).
struct NSRegularExpressionBox: @unchecked Sendable {
    let regex: NSRegularExpression

    init?(_ pattern: String) {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return nil }
        self.regex = regex
    }

    func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}

/// A one-way flag shared between tasks.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
