import Foundation
import MarianneCore

/// The sbatch arguments of one attempt: one argv item per option (`--partition=VALUE`),
/// never text for a shell.
enum SbatchArguments {
    struct Files: Sendable {
        var workingDirectory: String
        var stdout: String
        var stderr: String
        var script: String
    }

    /// `timeout` is the sheet's (the conductor stops the job itself when it passes); Slurm's
    /// own limit is set a little later, as a backstop, unless `options.time` sets it.
    static func make(options: SlurmOptions, identity: SlurmIdentity, files: Files, timeout: Double?, grace: Double) -> [String] {
        var arguments = [
            "--job-name=\(identity.name)",
            "--comment=\(identity.comment)",
            "--chdir=\(files.workingDirectory)",
            "--output=\(pattern(files.stdout))",
            "--error=\(pattern(files.stderr))",
            // A node failure ends the attempt: the score's retries decide what happens next.
            "--no-requeue",
            "--export=ALL",
        ]
        if let limit = options.timeSeconds ?? timeout.map({ $0 + grace + 60 }) {
            arguments.append("--time=\(SlurmTime.format(limit))")
        }
        if let partition = options.partition { arguments.append("--partition=\(partition)") }
        if let cpus = options.cpusPerTask { arguments.append("--cpus-per-task=\(cpus)") }
        if let mem = options.mem { arguments.append("--mem=\(mem)") }
        if let gres = options.gres { arguments.append("--gres=\(gres)") }
        if let account = options.account { arguments.append("--account=\(account)") }
        if let qos = options.qos { arguments.append("--qos=\(qos)") }
        arguments += options.extraArgs ?? []
        arguments.append(files.script)
        return arguments
    }

    /// Slurm expands `%j`, `%x`, ... in output paths; a literal `%` is written `%%`.
    static func pattern(_ path: String) -> String {
        path.replacingOccurrences(of: "%", with: "%%")
    }

    /// The environment sbatch passes on to the job: the attempt's, without the marker by
    /// which a restarted conductor finds and stops the processes its predecessor left (a
    /// Slurm job is followed, re-attached and cancelled through Slurm instead).
    static func environment(_ attempt: [String: String]) -> [String: String] {
        var environment = attempt
        environment[LeftoverProcesses.conductorVariable] = nil
        return environment
    }
}
