import MarianneCore

extension SlurmAttemptRecord {
    /// Slurm accepted the job and it has not been seen ending: it may run on without a conductor.
    var isLive: Bool {
        jobID != nil && !SlurmState(state ?? "").isFinal
    }
}

extension JobCheckpoint {
    /// The sheets a restarted conductor found running with a Slurm job, to be re-attached;
    /// any other sheet left running goes back to pending.
    mutating func takeReattachable() -> [(Int, SlurmAttemptRecord)] {
        var found: [(Int, SlurmAttemptRecord)] = []
        for i in sheets.indices where sheets[i].status == .running {
            if let record = sheets[i].slurm { found.append((sheets[i].number, record)) } else { sheets[i].status = .pending }
        }
        return found
    }
}
