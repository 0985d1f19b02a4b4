import Foundation
import MarianneProtocol

/// Why a Slurm request did not work, in words that say what to do.
struct SlurmError: Error, Sendable, Equatable, CustomStringConvertible {
    var description: String
}

/// The Slurm requests the conductor makes, each one client call with a timeout.
struct SlurmClient: Sendable {
    let commands: any SlurmCommandRunning
    /// Seconds a submission may take (sbatch retries for a long time when slurmctld is down).
    var submitTimeout = 30.0
    /// Seconds any other call may take.
    var queryTimeout = 15.0

    static let queueFormat = "JobID:|,State:|,Reason:|,exit_code:|,StartTime:|,Name:|,Comment:"

    /// Submits a batch job; returns its id.
    func submit(_ arguments: [String], environment: [String: String]) async throws(SlurmError) -> String {
        let result = await commands.run(.sbatch, ["--parsable"] + arguments, environment: environment, timeout: submitTimeout)
        guard result.succeeded else {
            throw SlurmError(description: "the Slurm job was not submitted: " + result.problem(.sbatch, timeout: submitTimeout))
        }
        // `123` or `123;cluster`.
        let first = result.stdout.first { !$0.isEmpty }?.split(separator: ";").first.map(String.init) ?? ""
        guard SlurmJobStatus.isJobID(first) else {
            throw SlurmError(description: "sbatch answered \"\(result.stdout.joined(separator: " ").prefix(200))\", which is not a job id")
        }
        return first
    }

    /// The jobs among `ids` that squeue knows (ended ones too, for MinJobAge); nil when
    /// squeue did not answer.
    func queue(_ ids: [String]) async -> [SlurmJobStatus]? {
        guard !ids.isEmpty else { return [] }
        let result = await commands.run(.squeue, ["-h", "-t", "all", "-j", ids.joined(separator: ","), "-O", Self.queueFormat], environment: nil, timeout: queryTimeout)
        if result.succeeded { return SlurmJobStatus.parseQueue(result.stdout) }
        // Every id unknown: squeue says so and exits 1.
        if result.exitCode == 1, result.stderr.contains(where: { $0.contains("Invalid job id") }) { return [] }
        return nil
    }

    /// Jobs of `name` that squeue knows (for an attempt whose submission was not recorded).
    func queue(named name: String) async -> [SlurmJobStatus]? {
        let result = await commands.run(.squeue, ["-h", "-t", "all", "-n", name, "-O", Self.queueFormat], environment: nil, timeout: queryTimeout)
        return result.succeeded ? SlurmJobStatus.parseQueue(result.stdout) : nil
    }

    /// Ended jobs squeue has forgotten (after MinJobAge), from accounting: `sacct` with a
    /// database, else the completion file (`sacct -c`, JobCompType=jobcomp/filetxt).
    func accounting(_ ids: [String]) async -> [SlurmJobStatus] {
        guard !ids.isEmpty else { return [] }
        let fields = ["-n", "-P", "-j", ids.joined(separator: ","), "-o", "JobID,JobName,State,ExitCode"]
        let database = await commands.run(.sacct, ["-X"] + fields, environment: nil, timeout: queryTimeout)
        if database.succeeded {
            let found = SlurmJobStatus.parseAccounting(database.stdout)
            if !found.isEmpty { return found }
        }
        let file = await commands.run(.sacct, ["-c"] + fields, environment: nil, timeout: queryTimeout)
        return file.succeeded ? SlurmJobStatus.parseAccounting(file.stdout) : []
    }

    /// `scancel ID`, or with a signal: `scancel --signal=SIG --full ID` (the batch shell and
    /// every step). Never signal a pending job: that call blocks for a minute.
    @discardableResult
    func cancel(_ id: String, signal: String? = nil) async -> SlurmCommandResult {
        let arguments = signal.map { ["--signal=\($0)", "--full", id] } ?? [id]
        return await commands.run(.scancel, arguments, environment: nil, timeout: queryTimeout)
    }

    /// `scontrol suspend|resume|hold|release ID`; the error when refused.
    func control(_ verb: String, _ id: String) async -> String? {
        let result = await commands.run(.scontrol, [verb, id], environment: nil, timeout: queryTimeout)
        return result.succeeded ? nil : result.problem(.scontrol, timeout: queryTimeout)
    }

    /// `scontrol ping`: whether the controller answers, and the line that says so.
    func ping() async -> (answers: Bool, message: String) {
        let result = await commands.run(.scontrol, ["ping"], environment: nil, timeout: 5)
        let text = result.stdout.joined(separator: "; ").trimmingCharacters(in: .whitespaces)
        if result.succeeded, text.contains(" is UP") { return (true, text) }
        if !result.succeeded, text.isEmpty { return (false, result.problem(.scontrol, timeout: 5)) }
        return (false, text.isEmpty ? "scontrol ping gave no answer" : text)
    }
}
