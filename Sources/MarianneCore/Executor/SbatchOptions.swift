/// The `sbatch` options a score may add with `executor.extra_args`, and the ones the
/// conductor sets itself. An option is one argument, `--name` or `--name=value`, so a value
/// can never be read as another option.
public enum SbatchOptions {
    /// Options the conductor sets itself, with the key to use instead when there is one.
    public static let owned: [String: String?] = [
        "partition": "executor.partition", "time": "executor.time", "cpus-per-task": "executor.cpus_per_task",
        "mem": "executor.mem", "gres": "executor.gres", "account": "executor.account", "qos": "executor.qos",
        "job-name": nil, "comment": nil, "output": nil, "error": nil, "input": nil, "chdir": nil, "parsable": nil,
        "wrap": nil, "export": "backend.env", "export-file": "backend.env", "array": nil, "requeue": nil, "no-requeue": nil,
        "open-mode": nil, "wait": nil, "test-only": nil, "clusters": nil, "cluster": nil, "get-user-env": nil, "uid": nil,
        "gid": nil, "help": nil, "usage": nil, "version": nil, "batch": nil,
    ]

    /// Options passed on as written (sbatch 22.05 names).
    public static let allowed: Set<String> = [
        "nodes", "ntasks", "ntasks-per-node", "ntasks-per-core", "ntasks-per-socket", "ntasks-per-gpu", "mem-per-cpu",
        "mem-per-gpu", "mincpus", "constraint", "cluster-constraint", "prefer", "exclusive", "oversubscribe", "nodelist",
        "exclude", "reservation", "licenses", "gpus", "gpus-per-node", "gpus-per-task", "gpus-per-socket", "cpus-per-gpu",
        "gpu-bind", "gpu-freq", "tmp", "begin", "deadline", "hold", "nice", "priority", "signal", "mail-type", "mail-user",
        "time-min", "threads-per-core", "cores-per-socket", "sockets-per-node", "extra-node-info", "hint", "distribution",
        "mem-bind", "cpu-freq", "core-spec", "thread-spec", "switches", "wckey", "network", "profile", "propagate",
        "spread-job", "use-min-nodes", "delay-boot", "dependency", "kill-on-invalid-dep", "contiguous", "reboot",
        "mcs-label", "power", "container", "acctg-freq", "no-kill", "overcommit", "burst-buffer", "bbf", "quiet",
        "ignore-pbs", "tres-per-task", "gpus-per-socket", "threads", "exclusive-user",
    ]

    public struct Problem: Sendable, Equatable {
        public var message: String
        public var hint: String?
    }

    /// Why `argument` cannot be passed to sbatch, or nil when it can.
    public static func problem(with argument: String) -> Problem? {
        guard argument.utf8.count <= 1024, !argument.contains(where: { $0.isNewline || $0 == "\0" }) else {
            return Problem(message: "an option must be one line of at most 1024 bytes", hint: nil)
        }
        guard argument.hasPrefix("--") else {
            return Problem(message: "\"\(argument)\" is not a long sbatch option", hint: "write each option as one item, --name or --name=value, e.g. \"--nodes=2\"")
        }
        let name = String(argument.dropFirst(2).prefix { $0 != "=" })
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
            return Problem(message: "\"\(argument)\" is not an sbatch option", hint: "write each option as one item, --name or --name=value")
        }
        if let instead = owned[name] {
            return Problem(
                message: "--\(name) is set by the conductor",
                hint: instead.map { "use \($0) instead" } ?? "the conductor needs it to follow the job; leave it out"
            )
        }
        guard allowed.contains(name) else {
            let hint = ScoreKeys.suggestion(for: name, in: allowed).map { "did you mean --\($0)?" }
                ?? "see Docs/SLURM.md for the options extra_args accepts"
            return Problem(message: "--\(name) is not an sbatch option the conductor passes on", hint: hint)
        }
        return nil
    }
}
