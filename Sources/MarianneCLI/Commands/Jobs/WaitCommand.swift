import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt wait ID... | --all [--status S]`: blocks until the jobs end (or reach a status).
struct WaitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait for jobs to end; exit 0 if every one completed, 1 otherwise.",
        discussion: """
            A paused job also ends the wait (and counts as not completed). With several jobs, each is printed as it ends \
            and the ones that did not complete are named on standard error. --all waits for every job that is pending or \
            running now. With --status S, the wait ends when every job has status S; a job that ends otherwise counts as \
            failed. With --timeout, jobs still going when it passes exit 75. There is no time limit otherwise.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The job ids.", valueName: "id"), completion: .custom(Completions.activeJobIDs))
    var jobIDs: [String] = []

    @Flag(help: "Wait for every job that is pending or running now.")
    var all = false

    @Option(help: ArgumentHelp("Wait until each job has this status.", valueName: "status"))
    var status: JobStatus?

    @Option(help: "Give up after this many seconds (exit 75).")
    var timeout: Double?

    func validate() throws {
        try NumericFlags.seconds(timeout, flag: "--timeout")
        if all, !jobIDs.isEmpty { throw ValidationError("give job ids or --all, not both") }
        if !all, jobIDs.isEmpty { throw ValidationError("give the job ids to wait for, or --all") }
        if jobIDs.count > 1000 { throw ValidationError("at most 1000 job ids") }
    }

    func run() async throws {
        Terminal.flushEachLine()
        try await global.withClient { client in
            var seen = Set<String>()
            var ids = jobIDs.filter { seen.insert($0).inserted }
            if all {
                ids = try await client.call(RPCMethods.jobList, ListParams(status: [.pending, .running], limit: 1000, all: true)).jobs.map(\.jobID)
            }
            if ids.isEmpty, !global.json {
                print("no pending or running jobs to wait for")
                return
            }
            let waiter = JobsWaiter(client: client, timeout: timeout, status: status)
            let outcome = try await waiter.wait(ids) { job in
                if !global.json { print(Palette.stdout.status(job.status, "\(job.jobID) \(job.status.rawValue)")) }
            }
            if global.json {
                if jobIDs.count == 1, !all, let job = outcome.jobs.first {
                    print(Render.json(WaitResult(job: job, timedOut: !outcome.timedOut.isEmpty)))
                } else {
                    print(Render.json(outcome))
                }
            }
            for id in outcome.timedOut where !global.json { print("\(id) still \(outcome.status(of: id)) (timed out waiting)") }
            if !outcome.failed.isEmpty, ids.count > 1 {
                let names = outcome.failed.map { "\($0) (\(outcome.status(of: $0)))" }.joined(separator: ", ")
                FileHandle.standardError.write(Data("not completed: \(names)\n".utf8))
            }
            if !outcome.timedOut.isEmpty { throw ExitCode(ExitCodes.busy) }
            if !outcome.failed.isEmpty { throw ExitCode(ExitCodes.failed) }
        }
    }
}

/// Waits for several jobs at once, printing each as it settles.
struct JobsWaiter: Sendable {
    let client: DaemonClient
    let timeout: Double?
    /// The status to wait for; nil waits until the job ends or pauses.
    let status: JobStatus?

    struct Outcome: Encodable, Sendable {
        var jobs: [JobSummary] = []
        var failed: [String] = []
        var timedOut: [String] = []

        func status(of id: String) -> String {
            jobs.first { $0.jobID == id }?.status.rawValue ?? "unknown"
        }

        enum CodingKeys: String, CodingKey {
            case jobs, failed
            case timedOut = "timed_out"
        }
    }

    func wait(_ ids: [String], onSettled: @escaping @Sendable (JobSummary) -> Void) async throws -> Outcome {
        if let status { return try await poll(ids, for: status, onSettled: onSettled) }
        var outcome = Outcome()
        try await withThrowingTaskGroup(of: WaitResult.self) { group in
            for id in ids {
                group.addTask {
                    try await client.call(
                        RPCMethods.jobWait, WaitParams(jobID: id, timeout: timeout), timeout: timeout.map { $0 + 5 } ?? .infinity
                    )
                }
            }
            for try await result in group {
                outcome.jobs.append(result.job)
                if result.timedOut {
                    outcome.timedOut.append(result.job.jobID)
                } else {
                    onSettled(result.job)
                    if result.job.status != .completed { outcome.failed.append(result.job.jobID) }
                }
            }
        }
        return outcome.ordered(ids)
    }

    /// Until every job has `status` (or has ended otherwise), looking every quarter second.
    private func poll(_ ids: [String], for wanted: JobStatus, onSettled: @Sendable (JobSummary) -> Void) async throws -> Outcome {
        var outcome = Outcome()
        var waiting = Set(ids)
        let deadline = timeout.map { Date().addingTimeInterval($0) }
        while !waiting.isEmpty {
            for id in waiting.sorted() {
                let job = try await client.call(RPCMethods.jobStatus, JobIDParams(jobID: id)).job
                if job.status == wanted || job.status.isTerminal {
                    waiting.remove(id)
                    outcome.jobs.append(job)
                    onSettled(job)
                    if job.status != wanted { outcome.failed.append(id) }
                }
            }
            if waiting.isEmpty { break }
            if let deadline, Date() >= deadline {
                for id in waiting.sorted() {
                    outcome.jobs.append(try await client.call(RPCMethods.jobStatus, JobIDParams(jobID: id)).job)
                    outcome.timedOut.append(id)
                }
                break
            }
            try await Task.sleep(nanoseconds: 250_000_000)
        }
        return outcome.ordered(ids)
    }
}

extension JobsWaiter.Outcome {
    /// Jobs in the order they were named.
    func ordered(_ ids: [String]) -> Self {
        var copy = self
        let rank = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        copy.jobs.sort { (rank[$0.jobID] ?? 0) < (rank[$1.jobID] ?? 0) }
        copy.failed.sort { (rank[$0] ?? 0) < (rank[$1] ?? 0) }
        copy.timedOut.sort { (rank[$0] ?? 0) < (rank[$1] ?? 0) }
        return copy
    }
}
