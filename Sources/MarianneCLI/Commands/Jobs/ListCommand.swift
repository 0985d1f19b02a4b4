import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt list`: jobs, newest first.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List jobs, newest first.",
        discussion: "Without --all, jobs that finished more than a day ago are left out."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Include every job, however old.")
    var all = false

    @Option(help: "Only jobs with this status (pending, running, paused, completed, failed, cancelled, stopped).")
    var status: [JobStatus] = []

    @Option(help: "Only jobs whose id or name contains this text.")
    var name: String?

    @Option(help: "At most this many jobs.")
    var limit: Int?

    func validate() throws {
        try NumericFlags.count(limit, flag: "--limit", in: 1...1_000_000)
    }

    func run() async throws {
        let params = ListParams(status: status.isEmpty ? nil : status, name: name, limit: limit, all: all ? true : nil)
        try await global.withClient { client in
            let result = try await client.call(RPCMethods.jobList, params)
            if global.json {
                print(Render.json(result))
                return
            }
            guard !result.jobs.isEmpty else {
                print(all ? "no jobs" : "no recent jobs (mzt list --all shows every job)")
                return
            }
            let rows = result.jobs.map { job in
                [
                    job.jobID,
                    job.status.rawValue + (job.queuePosition.map { " (#\($0))" } ?? ""),
                    "\(job.completedSheets)/\(job.totalSheets)",
                    Render.time(job.startedAt),
                    Render.duration(job.duration()),
                ]
            }
            print(Render.table(["ID", "STATUS", "PROGRESS", "STARTED", "DURATION"], rows))
        }
    }
}
