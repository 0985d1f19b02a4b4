import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt health ID`: the job's running process, from /proc.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Show the process health of a running job (pid, CPU, memory, uptime)."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job id.", completion: .custom(Completions.jobIDs)) var jobID: String

    func run() async throws {
        try await global.withClient { client in
            let health = try await client.call(RPCMethods.jobHealth, JobIDParams(jobID: jobID))
            if global.json {
                print(Render.json(health))
                return
            }
            guard let pid = health.pid, health.processExists else {
                print("\(jobID): no process running")
                return
            }
            var parts = ["pid \(pid)", health.isZombie ? "zombie" : (health.isAlive ? "alive" : "dead")]
            if let cpu = health.cpuPercent { parts.append(CFormat.string("cpu %.1f%%", cpu)) }
            if let memory = health.memoryMB { parts.append(CFormat.string("memory %.1f MB", memory)) }
            if let uptime = health.uptimeSeconds { parts.append("up \(Render.duration(uptime))") }
            print("\(jobID): " + parts.joined(separator: ", "))
        }
    }
}
