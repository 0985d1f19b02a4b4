import Foundation
import MarianneCore
import MarianneProtocol

/// Runs a completed score's `on_success` hooks in order, in both of Marianne's forms:
/// commands (`run_command` through bash, `run_script` without a shell) in the workspace, and
/// scores to chain (`run_job`), which are submitted once this job has completed. With
/// `concert.enabled`, chaining stops at `max_chain_depth`, waits the cooldown, and a chained
/// job inherits the workspace unless `job_workspace` names one; a failing hook with
/// `on_failure: abort` stops the hooks after it.
struct HookRunner: Sendable {
    let jobID: String
    let loaded: LoadedScore
    let killGrace: Double
    let environment: [String: String]
    let events: RunEvents
    /// This job's depth in a chain of jobs.
    let chainDepth: Int

    /// The deepest chain the conductor follows, concert or not.
    static let maxChainDepth = 100

    func run() async {
        let score = loaded.score
        for hook in score.postSuccessHooks {
            let succeeded: Bool
            switch hook.kind {
            case .runJob: succeeded = await chain(hook, concert: score.concert)
            case .runCommand, .runScript: succeeded = await command(hook)
            }
            if !succeeded, hook.onFailure == .abort {
                events.log(jobID, level: "WARNING", message: "on_success: a hook failed with on_failure: abort; the hooks after it are not run")
                return
            }
        }
    }

    private var scoreFolder: String { loaded.path.map { ($0 as NSString).deletingLastPathComponent } ?? loaded.workspace }

    private func chain(_ hook: PostSuccessHook, concert: ConcertConfig) async -> Bool {
        guard let raw = hook.jobPath else { return false }
        let expanded = hook.expanded(raw, workspace: loaded.workspace, jobID: jobID)
        let path = expanded.absolutePath(relativeTo: scoreFolder)
        guard access(path, R_OK) == 0 else {
            events.log(jobID, level: "ERROR", message: "on_success run_job: \(path) cannot be read")
            return false
        }
        let limit = concert.enabled ? min(concert.maxChainDepth, Self.maxChainDepth) : Self.maxChainDepth
        guard chainDepth < limit else {
            events.log(jobID, level: "WARNING", message: "on_success run_job: chain depth limit reached (\(limit)); \(path) is not submitted")
            return false
        }
        if concert.enabled, concert.cooldownBetweenJobsSeconds > 0 {
            try? await Task.sleep(for: .clampedSeconds(concert.cooldownBetweenJobsSeconds))
        }
        var workspace: String?
        if let given = hook.jobWorkspace {
            workspace = hook.expanded(given, workspace: loaded.workspace, jobID: jobID).absolutePath(relativeTo: scoreFolder)
        } else if concert.enabled, concert.inheritWorkspace {
            workspace = loaded.workspace
        }
        events.chain(jobID, FollowUp(path: path, workspace: workspace, depth: chainDepth + 1))
        return true
    }

    private func command(_ hook: PostSuccessHook) async -> Bool {
        guard let raw = hook.command else { return false }
        let text = hook.expanded(raw, workspace: loaded.workspace, jobID: jobID)
            .replacingOccurrences(of: "{sheet_count}", with: String(loaded.sheets.count))
        let logs = WorkspaceFiles.logDirectory(workspace: loaded.workspace, jobID: jobID)
        let directory = hook.workingDirectory.map { hook.expanded($0, workspace: loaded.workspace, jobID: jobID).absolutePath(relativeTo: loaded.workspace) } ?? loaded.workspace
        let (executable, arguments): (String, [String])
        if hook.kind == .runScript {
            let words = ShellWords.split(text)
            guard let first = words.first else { return false }
            (executable, arguments) = (first.absolutePath(relativeTo: directory), Array(words.dropFirst()))
        } else {
            (executable, arguments) = ("/bin/bash", ["-c", text])
        }
        let spec = ProcessSpec(
            executable: executable, arguments: arguments,
            environment: environment.merging(["MZT_JOB_ID": jobID, "MZT_WORKSPACE": loaded.workspace]) { $1 },
            workingDirectory: directory, stdin: .null,
            stdout: .file(logs + "/on-success.out"), stderr: .file(logs + "/on-success.err")
        )
        do {
            try SafeFile.ensureDirectory(logs, under: loaded.workspace)
            let outcome = try await ProcessRunner.run(spec, timeout: hook.timeoutSeconds, grace: killGrace)
            let ok = outcome.status.exitCode == 0 && !outcome.timedOut
            let what = outcome.timedOut ? "timed out after \(DurationFormatter.human(hook.timeoutSeconds))" : "\(outcome.status)"
            events.log(jobID, level: ok ? "INFO" : "WARNING", message: "on_success command finished: \(what)")
            return ok
        } catch {
            events.log(jobID, level: "ERROR", message: "on_success command could not start: \(error)")
            return false
        }
    }
}

/// Splits a command line into words as a POSIX shell would, without expanding anything:
/// quotes group, backslashes escape.
enum ShellWords {
    static func split(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
                inWord = true
            } else if character == "\\", quote != "'" {
                escaped = true
            } else if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character.isWhitespace {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
