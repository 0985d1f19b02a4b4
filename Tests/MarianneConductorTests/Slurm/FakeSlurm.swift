import Foundation
@testable import MarianneConductor

/// A Slurm cluster in memory, answering the client calls the conductor makes the way
/// Slurm 22.05 does (the output formats were captured from a real cluster). Tests move its
/// jobs from state to state and read which calls were made.
final class FakeSlurm: SlurmCommandRunning, @unchecked Sendable {
    struct Job: Equatable {
        var id: String
        var name: String
        var comment: String
        var state = "PENDING"
        var reason = "None"
        /// The wait status squeue's exit_code shows (code << 8 | signal).
        var exitStatus = 0
    }

    private let lock = NSLock()
    private var jobs: [String: Job] = [:]
    /// Ended jobs squeue no longer shows (MinJobAge passed); accounting still has them.
    private var forgotten: Set<String> = []
    private var nextID = 100
    private var log: [(SlurmTool, [String])] = []
    /// What sbatch answers instead of submitting, when set.
    var refuseSubmission: SlurmCommandResult?
    /// Batch shells that trap SIGTERM: only a plain scancel ends them.
    var ignoreTerm = false
    /// Every squeue call moves each job one step: PENDING, RUNNING, COMPLETED.
    var advance = false
    /// The controller loses this many of the first jobs submitted (as after a kill -9).
    var loseSubmissions = 0

    var calls: [(SlurmTool, [String])] { lock.withLock { log } }
    func calls(_ tool: SlurmTool) -> [[String]] { calls.filter { $0.0 == tool }.map(\.1) }
    func job(_ id: String) -> Job? { lock.withLock { jobs[id] } }
    var submitted: [Job] { lock.withLock { jobs.values.sorted { $0.id < $1.id } } }

    /// Adds a job as if another submission had made it.
    @discardableResult
    func add(id: String? = nil, name: String, comment: String, state: String = "PENDING") -> String {
        lock.withLock {
            nextID += 1
            let id = id ?? "\(nextID)"
            jobs[id] = Job(id: id, name: name, comment: comment, state: state)
            return id
        }
    }

    func set(_ id: String, state: String, reason: String = "None", exitStatus: Int = 0) {
        lock.withLock {
            jobs[id]?.state = state
            jobs[id]?.reason = reason
            jobs[id]?.exitStatus = exitStatus
        }
    }

    /// squeue stops showing the job (as after MinJobAge); accounting keeps it.
    func forget(_ id: String) { lock.withLock { _ = forgotten.insert(id) } }

    /// The controller lost the job (killed with -9 before saving it).
    func lose(_ id: String) { lock.withLock { jobs[id] = nil } }

    func run(_ tool: SlurmTool, _ arguments: [String], environment: [String: String]?, timeout: Double) async -> SlurmCommandResult {
        lock.withLock { log.append((tool, arguments)) }
        switch tool {
        case .sbatch: return submit(arguments)
        case .squeue: return queue(arguments)
        case .sacct: return accounting(arguments)
        case .scancel: return cancel(arguments)
        case .scontrol: return control(arguments)
        }
    }

    private func value(_ arguments: [String], _ option: String) -> String? {
        arguments.first { $0.hasPrefix("--\(option)=") }.map { String($0.dropFirst(option.count + 3)) }
    }

    private func submit(_ arguments: [String]) -> SlurmCommandResult {
        if let refusal = refuseSubmission { return refusal }
        let id = add(name: value(arguments, "job-name") ?? "sbatch", comment: value(arguments, "comment") ?? "")
        let lose: Bool = lock.withLock {
            guard loseSubmissions > 0 else { return false }
            loseSubmissions -= 1
            return true
        }
        if lose { self.lose(id) }
        return SlurmCommandResult(exitCode: 0, stdout: [id], stderr: [])
    }

    private func line(_ job: Job) -> String {
        "\(job.id)|\(job.state)|\(job.reason)|\(job.exitStatus)|N/A|\(job.name)|\(job.comment.isEmpty ? "(null)" : job.comment)"
    }

    private func queue(_ arguments: [String]) -> SlurmCommandResult {
        lock.withLock {
            if advance {
                for (id, job) in jobs {
                    if job.state == "PENDING" { jobs[id]?.state = "RUNNING" } else if job.state == "RUNNING" { jobs[id]?.state = "COMPLETED" }
                }
            }
            var shown = jobs.values.filter { !forgotten.contains($0.id) }
            if let index = arguments.firstIndex(of: "-j") {
                let ids = Set(arguments[index + 1].split(separator: ",").map(String.init))
                shown = shown.filter { ids.contains($0.id) }
                if shown.isEmpty { return SlurmCommandResult(exitCode: 1, stdout: [], stderr: ["slurm_load_jobs error: Invalid job id specified"]) }
            }
            if let index = arguments.firstIndex(of: "-n") {
                shown = shown.filter { $0.name == arguments[index + 1] }
            }
            return SlurmCommandResult(exitCode: 0, stdout: shown.sorted { $0.id < $1.id }.map(line), stderr: [])
        }
    }

    private func accounting(_ arguments: [String]) -> SlurmCommandResult {
        // No database: only `sacct -c` (the completion file) answers.
        guard arguments.first == "-c" else {
            return SlurmCommandResult(exitCode: 1, stdout: [], stderr: ["Slurm accounting storage is disabled"])
        }
        guard let index = arguments.firstIndex(of: "-j") else { return SlurmCommandResult(exitCode: 0, stdout: [], stderr: []) }
        let ids = Set(arguments[index + 1].split(separator: ",").map(String.init))
        let lines: [String] = lock.withLock {
            jobs.values.filter { ids.contains($0.id) && forgotten.contains($0.id) }.sorted { $0.id < $1.id }.map { job in
                "\(job.id)|\(job.name)|\(job.state)|\(job.exitStatus >> 8):\(job.exitStatus & 0x7f)"
            }
        }
        return SlurmCommandResult(exitCode: 0, stdout: lines, stderr: [])
    }

    private func cancel(_ arguments: [String]) -> SlurmCommandResult {
        guard let id = arguments.last else { return SlurmCommandResult(exitCode: 1, stdout: [], stderr: []) }
        lock.withLock {
            guard var job = jobs[id] else { return }
            if arguments.contains("--signal=TERM") {
                if ignoreTerm { return }
                // The batch shell dies of the signal: Slurm calls it FAILED.
                job.state = "FAILED"
                job.exitStatus = 15
            } else {
                job.state = "CANCELLED"
            }
            jobs[id] = job
        }
        return SlurmCommandResult(exitCode: 0, stdout: [], stderr: [])
    }

    private func control(_ arguments: [String]) -> SlurmCommandResult {
        if arguments == ["ping"] { return SlurmCommandResult(exitCode: 0, stdout: ["Slurmctld(primary) at fake is UP"], stderr: []) }
        guard arguments.count == 2, let job = self.job(arguments[1]) else { return SlurmCommandResult(exitCode: 1, stdout: [], stderr: ["Invalid job id specified"]) }
        switch (arguments[0], job.state) {
        case ("suspend", "RUNNING"): set(job.id, state: "SUSPENDED")
        case ("resume", "SUSPENDED"): set(job.id, state: "RUNNING")
        case ("suspend", "PENDING"): return SlurmCommandResult(exitCode: 1, stdout: [], stderr: ["Job is pending execution for job \(job.id)"])
        case ("hold", "PENDING"): set(job.id, state: "PENDING", reason: "JobHeldAdmin")
        case ("release", _): if job.reason == "JobHeldAdmin" { set(job.id, state: job.state) }
        default: return SlurmCommandResult(exitCode: 1, stdout: [], stderr: ["Job is not suspended for job \(job.id)"])
        }
        return SlurmCommandResult(exitCode: 0, stdout: [], stderr: [])
    }
}
