import Foundation

/// The Slurm job of a sheet's latest attempt, as its checkpoint records it. Written before
/// `sbatch` runs (name and comment) and again as soon as it answers (the job id), so a
/// restarted conductor re-attaches to the job instead of running the sheet again.
public struct SlurmAttemptRecord: Codable, Sendable, Equatable {
    /// Slurm's job id; nil between writing the record and `sbatch` answering.
    public var jobID: String?
    /// `--job-name`: `mzt.<job>.<sheet>.<attempt>.<token>`, what Slurm's completion record keeps.
    public var name: String
    /// `--comment`: the conductor's home, job, sheet, attempt and a random token. A job id
    /// Slurm handed out again is never taken for this attempt: its comment differs.
    public var comment: String
    public var submittedAt: Date
    /// The last state seen: `PENDING`, `RUNNING`, `COMPLETED`, ... (`SUBMITTING` before sbatch answers).
    public var state: String?
    /// Why a pending job waits (`Resources`, `Priority`, `BeginTime`, ...).
    public var reason: String?

    public init(jobID: String? = nil, name: String, comment: String, submittedAt: Date = Date(), state: String? = nil, reason: String? = nil) {
        self.jobID = jobID
        self.name = name
        self.comment = comment
        self.submittedAt = submittedAt
        self.state = state
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case name, comment, state, reason
        case jobID = "job_id"
        case submittedAt = "submitted_at"
    }
}
