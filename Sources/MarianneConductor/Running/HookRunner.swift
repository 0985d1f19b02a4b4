import Foundation
import MarianneCore
import MarianneProtocol

/// Runs a completed score's `on_success` hooks: commands in the workspace, scores submitted.
struct HookRunner: Sendable {
    let jobID: String
    let loaded: LoadedScore
    let killGrace: Double
    let environment: [String: String]
    let events: RunEvents

    /// Longest an `on_success` command may run.
    static let commandTimeout = 600.0

    func run() async {
        for hook in loaded.score.onSuccess {
            switch hook {
            case .runCommand(let command):
                await run(command)
            case .runJob(let path):
                await events.submitFollowUp(jobID, path: path, relativeTo: loaded.path.map { ($0 as NSString).deletingLastPathComponent } ?? loaded.workspace)
            }
        }
    }

    private func run(_ command: String) async {
        let logs = WorkspaceFiles.logDirectory(workspace: loaded.workspace, jobID: jobID)
        let spec = ProcessSpec(
            executable: "/bin/bash", arguments: ["-c", command],
            environment: environment.merging(["MZT_JOB_ID": jobID, "MZT_WORKSPACE": loaded.workspace]) { $1 },
            workingDirectory: loaded.workspace, stdin: .null,
            stdout: .file(logs + "/on-success.out"), stderr: .file(logs + "/on-success.err")
        )
        do {
            try SafeFile.ensureDirectory(logs, under: loaded.workspace)
            let outcome = try await ProcessRunner.run(spec, timeout: Self.commandTimeout, grace: killGrace)
            events.log(jobID, level: outcome.status.exitCode == 0 ? "INFO" : "WARNING", message: "on_success command finished: \(outcome.status)")
        } catch {
            events.log(jobID, level: "ERROR", message: "on_success command could not start: \(error)")
        }
    }
}
