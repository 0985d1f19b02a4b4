/// What the conductor knows of Slurm (in `conductor.status`): whether `sbatch` is on its
/// PATH, and whether the cluster's controller answered `scontrol ping`.
public struct SlurmReachability: Codable, Sendable, Equatable {
    /// Absolute path of `sbatch`; nil when it is not on the conductor's PATH.
    public var sbatch: String?
    /// The controller answered (`scontrol ping` says UP).
    public var clusterAnswers: Bool
    /// One line for people: what was found, or what is wrong and what to do.
    public var message: String
    /// Seconds since the answer was obtained (answers are kept for a few seconds).
    public var ageSeconds: Double?
    /// Slurm jobs the conductor follows now.
    public var followedJobs: Int

    public init(sbatch: String?, clusterAnswers: Bool, message: String, ageSeconds: Double? = nil, followedJobs: Int = 0) {
        self.sbatch = sbatch
        self.clusterAnswers = clusterAnswers
        self.message = message
        self.ageSeconds = ageSeconds
        self.followedJobs = followedJobs
    }

    enum CodingKeys: String, CodingKey {
        case sbatch, message
        case clusterAnswers = "cluster_answers"
        case ageSeconds = "age_seconds"
        case followedJobs = "followed_jobs"
    }
}
