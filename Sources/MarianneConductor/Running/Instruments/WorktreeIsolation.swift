import Foundation
import MarianneCore
import MarianneProtocol

/// `isolation: {enabled: true, mode: worktree}`: the job's sheets run in a git worktree of
/// their own, on the branch `PREFIX/JOB-ID` made from `source_branch` (else HEAD) of the
/// repository that holds the score (else the workspace), under `worktree_base` (else
/// `REPO/.worktrees`). The worktree is locked while the job runs and removed when it ends,
/// as `cleanup_on_success` and `cleanup_on_failure` say (the branch stays). When it cannot
/// be made, the job runs in its workspace (`fallback_on_error`) or fails.
struct WorktreeIsolation: Sendable {
    let config: IsolationConfig
    let jobID: String
    let scoreDirectory: String
    let workspace: String
    let environment: [String: String]
    let grace: Double

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Makes (or finds again, on a resume) the job's worktree.
    func prepare(existing: WorktreeState?) async throws -> WorktreeState {
        if let existing, isDirectory(existing.path) {
            if config.lockDuringExecution { _ = try? await git(["worktree", "lock", "--reason", lockReason, existing.path], in: existing.repository) }
            return existing
        }
        let repository: String
        if let top = try? await git(["rev-parse", "--show-toplevel"], in: scoreDirectory) {
            repository = top
        } else if let top = try? await git(["rev-parse", "--show-toplevel"], in: workspace) {
            repository = top
        } else {
            throw Failure(description: "isolation needs a git repository: neither \(scoreDirectory) nor \(workspace) is in one")
        }
        let base = config.worktreeBase.map { $0.hasPrefix("/") ? $0 : (repository as NSString).appendingPathComponent($0) }
            ?? (repository as NSString).appendingPathComponent(".worktrees")
        let path = (base as NSString).appendingPathComponent(jobID)
        let branch = "\(config.branchPrefix)/\(jobID)"
        guard !FileManager.default.fileExists(atPath: path) else {
            throw Failure(description: "the worktree path \(path) already exists; remove it (git worktree remove \(path)) or give the job another id")
        }
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        if (try? await git(["rev-parse", "--verify", "--quiet", "refs/heads/\(branch)"], in: repository)) != nil {
            _ = try await git(["worktree", "add", path, branch], in: repository)
        } else {
            _ = try await git(["worktree", "add", "-b", branch, path] + (config.sourceBranch.map { [$0] } ?? []), in: repository)
        }
        if config.lockDuringExecution { _ = try? await git(["worktree", "lock", "--reason", lockReason, path], in: repository) }
        return WorktreeState(path: path, branch: branch, repository: repository)
    }

    /// After the run: unlocked, and removed when the outcome asks for it. Returns what was done.
    func release(_ worktree: WorktreeState, outcome: RunOutcome) async -> String? {
        guard outcome != .interrupted else { return nil }
        if config.lockDuringExecution { _ = try? await git(["worktree", "unlock", worktree.path], in: worktree.repository) }
        let remove = outcome == .completed ? config.cleanupOnSuccess : (outcome.status == .failed ? config.cleanupOnFailure : false)
        guard remove else { return "the worktree \(worktree.path) (branch \(worktree.branch)) is kept" }
        do {
            _ = try await git(["worktree", "remove", "--force", worktree.path], in: worktree.repository)
            return "the worktree \(worktree.path) was removed; branch \(worktree.branch) keeps its commits"
        } catch {
            return "the worktree \(worktree.path) could not be removed: \(error)"
        }
    }

    private var lockReason: String { "Marianne job \(jobID) in progress (pid=\(getpid()))" }

    private func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Runs git in `directory`; its first output line, or the error it printed.
    private func git(_ arguments: [String], in directory: String) async throws -> String {
        let folder = WorkspaceFiles.logDirectory(workspace: workspace, jobID: jobID)
        try SafeFile.ensureDirectory(folder, under: workspace)
        let out = folder + "/git.out", err = folder + "/git.err"
        let spec = ProcessSpec(
            executable: "git", arguments: arguments, environment: environment, workingDirectory: directory, stdin: .null,
            stdout: .file(out), stderr: .file(err)
        )
        let outcome: ProcessOutcome
        do {
            outcome = try await ProcessRunner.run(spec, timeout: 60, grace: grace)
        } catch {
            throw Failure(description: "git cannot run: \(error)")
        }
        guard outcome.status.exitCode == 0 else {
            let said = OutputTail.of(err, limit: 2000).trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(description: "git \(arguments.prefix(2).joined(separator: " ")) failed (\(outcome.status))" + (said.isEmpty ? "" : ": \(said)"))
        }
        return OutputTail.of(out, limit: 4096).split(separator: "\n").first.map(String.init) ?? ""
    }
}

extension ScoreRunner {
    /// Before the sheets run: the job's worktree, when the score isolates it.
    func isolate() async {
        let config = loaded.score.limits.isolation
        guard config.isActive else { return }
        let isolation = WorktreeIsolation(
            config: config, jobID: jobID, scoreDirectory: loaded.scoreDirectory, workspace: loaded.workspace,
            environment: attempt.baseEnvironment, grace: attempt.killGrace
        )
        do {
            let worktree = try await isolation.prepare(existing: checkpoint.worktree)
            checkpoint.worktree = worktree
            await persistNow()
            events.log(jobID, level: "INFO", message: "sheets run in the worktree \(worktree.path) (branch \(worktree.branch))")
        } catch {
            if config.fallbackOnError {
                events.log(jobID, level: "WARNING", message: "isolation: \(error); the sheets run in the workspace (fallback_on_error)")
            } else {
                events.log(jobID, level: "ERROR", message: "isolation: \(error)")
                control.requestStop(.setupFailed("isolation: \(error)"))
            }
        }
    }

    /// After the run: the worktree unlocked, and removed as the score says.
    func releaseWorktree(_ outcome: RunOutcome) async {
        guard let worktree = checkpoint.worktree else { return }
        let isolation = WorktreeIsolation(
            config: loaded.score.limits.isolation, jobID: jobID, scoreDirectory: loaded.scoreDirectory, workspace: loaded.workspace,
            environment: attempt.baseEnvironment, grace: attempt.killGrace
        )
        if let note = await isolation.release(worktree, outcome: outcome) { events.log(jobID, level: "INFO", message: note) }
    }
}
