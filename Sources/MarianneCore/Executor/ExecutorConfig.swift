import Foundation

/// Where a sheet's attempts run: on the conductor's machine, or as Slurm batch jobs.
public enum ExecutorType: String, Sendable, Equatable, Codable, CaseIterable {
    case local
    case slurm
}

/// What a Slurm job asks for. Each value becomes one `sbatch` argument of its own
/// (`--partition=VALUE`), never text for a shell. A nil value inherits from the level above
/// (conductor default, score, movement, sheet) and, when no level sets it, is left to Slurm.
public struct SlurmOptions: Sendable, Equatable, Codable {
    public var partition: String?
    /// Time limit in seconds; nil = derived from the sheet's timeout (or the partition's limit).
    public var timeSeconds: Double?
    public var cpusPerTask: Int?
    /// Memory per node as Slurm writes it: `4G`, `500M`, `2048` (megabytes).
    public var mem: String?
    public var gres: String?
    public var account: String?
    public var qos: String?
    /// More `sbatch` options, each `--name` or `--name=value`; nil = inherit.
    public var extraArgs: [String]?

    public init(
        partition: String? = nil, timeSeconds: Double? = nil, cpusPerTask: Int? = nil, mem: String? = nil, gres: String? = nil,
        account: String? = nil, qos: String? = nil, extraArgs: [String]? = nil
    ) {
        self.partition = partition
        self.timeSeconds = timeSeconds
        self.cpusPerTask = cpusPerTask
        self.mem = mem
        self.gres = gres
        self.account = account
        self.qos = qos
        self.extraArgs = extraArgs
    }

    /// These options with `other`'s set values written over them.
    public func overlaid(with other: SlurmOptions) -> SlurmOptions {
        SlurmOptions(
            partition: other.partition ?? partition, timeSeconds: other.timeSeconds ?? timeSeconds,
            cpusPerTask: other.cpusPerTask ?? cpusPerTask, mem: other.mem ?? mem, gres: other.gres ?? gres,
            account: other.account ?? account, qos: other.qos ?? qos, extraArgs: other.extraArgs ?? extraArgs
        )
    }

    enum CodingKeys: String, CodingKey {
        case partition, mem, gres, account, qos
        case timeSeconds = "time_seconds"
        case cpusPerTask = "cpus_per_task"
        case extraArgs = "extra_args"
    }
}

/// One `executor:` as written (conductor default, score, movement or sheet). Unset parts
/// inherit from the level above; see `ExecutorConfig.resolve`.
public struct ExecutorConfig: Sendable, Equatable, Codable {
    public var type: ExecutorType?
    public var slurm: SlurmOptions

    public init(type: ExecutorType? = nil, slurm: SlurmOptions = SlurmOptions()) {
        self.type = type
        self.slurm = slurm
    }

    public static let local = ExecutorConfig(type: .local)

    /// This level with a more specific one written over it.
    public func overlaid(with other: ExecutorConfig) -> ExecutorConfig {
        ExecutorConfig(type: other.type ?? type, slurm: slurm.overlaid(with: other.slurm))
    }

    /// The executor of one sheet: the levels from the most general to the most specific
    /// (conductor default, score, movement, sheet), each written over the one before. Without
    /// a type anywhere a sheet runs locally.
    public static func resolve(_ levels: [ExecutorConfig?]) -> ResolvedExecutor {
        let merged = levels.compactMap { $0 }.reduce(ExecutorConfig()) { $0.overlaid(with: $1) }
        switch merged.type ?? .local {
        case .local: return .local
        case .slurm: return .slurm(merged.slurm)
        }
    }
}

/// The executor a sheet runs with, after inheritance.
public enum ResolvedExecutor: Sendable, Equatable {
    case local
    case slurm(SlurmOptions)

    public var type: ExecutorType {
        switch self {
        case .local: return .local
        case .slurm: return .slurm
        }
    }
}
