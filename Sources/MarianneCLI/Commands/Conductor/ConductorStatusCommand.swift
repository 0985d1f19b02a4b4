import ArgumentParser
import Foundation
import MarianneClient
import MarianneProtocol

/// `mzt conductor-status`: uptime, pid, memory, jobs.
struct ConductorStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "conductor-status", abstract: "Show the conductor's pid, uptime, memory and jobs.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try Self.perform(global.context)
    }

    static func perform(_ global: ClientContext) throws {
        try global.withClientNow { client in
            let status = try client.callNow(RPCMethods.conductorStatus, Empty())
            if global.json {
                print(Render.json(status))
                return
            }
            let jobs = Render.join(status.jobsByStatus.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }, ", ")
            print("""
                conductor running (pid \(status.pid), version \(status.version))
                uptime:   \(status.uptime)
                memory:   \(CFormat.string("%.1f MB", Double(status.rssBytes) / 1_048_576))
                home:     \(status.home)
                jobs:     \(jobs.isEmpty ? "none" : jobs)
                running:  \(status.runningJobs.isEmpty ? "none" : Render.join(status.runningJobs, ", ")) (limit \(status.maxConcurrentJobs))
                modules:  \(status.modules.isEmpty ? "none" : Render.join(status.modules, ", "))
                recovered at start: \(status.recoveredJobs)
                """)
            if let url = status.httpURL { print("http:     \(url)/") }
            if let slurm = status.slurm {
                print("slurm:    " + (slurm.sbatch == nil ? "not found (sbatch is not on the conductor's PATH)" : slurm.message)
                    + (slurm.followedJobs > 0 ? " (following \(slurm.followedJobs) jobs)" : ""))
            }
            for line in ClearRateLimitsCommand.describe(status) { print(line) }
        }
    }
}
