import Foundation
import MarianneCore
import MarianneProtocol

/// The `conductor.*` methods: health, status, shutdown.
enum ConductorMethods {
    static func register(on table: MethodTable, conductor: Conductor) {
        table.register(RPCMethods.conductorHealth) { [unowned conductor] _, _ in
            HealthResult(
                status: conductor.currentState == .running ? "ok" : conductor.currentState.rawValue, pid: getpid(),
                uptimeSeconds: conductor.uptimeSeconds, version: marianneVersion, protocolVersion: protocolVersion
            )
        }
        table.register(RPCMethods.conductorStatus) { [unowned conductor] _, _ in
            let summary = await conductor.jobsSummary()
            var problems = summary.problems
            let dropped = conductor.droppedLogLines
            if dropped > 0 { problems.append("\(dropped) lines of conductor.log could not be written (is the disk full?)") }
            let uptime = conductor.uptimeSeconds
            var result = ConductorStatusResult(
                pid: getpid(), version: marianneVersion, uptimeSeconds: uptime, uptime: DurationFormatter.human(uptime),
                rssBytes: ProcFS.residentBytes(pid: getpid()) ?? 0, home: conductor.home.root,
                jobsByStatus: summary.jobsByStatus, runningJobs: summary.runningJobs, modules: summary.modules,
                recoveredJobs: summary.recoveredJobs, maxConcurrentJobs: conductor.settings.maxConcurrentJobs,
                httpURL: conductor.frontendURL, problems: problems.isEmpty ? nil : problems,
                slurm: await SlurmService.shared.reachability()
            )
            result.rateLimits = summary.rateLimits.isEmpty ? nil : summary.rateLimits
            result.modelSlots = summary.modelSlots.isEmpty ? nil : summary.modelSlots
            return result
        }
        table.register(RPCMethods.conductorShutdown) { [unowned conductor] params, _ in
            let running = await conductor.jobsSummary().runningJobs.count
            // Connections stay open until the job service has stopped, so this answer goes out.
            conductor.requestShutdown(grace: params.graceSeconds)
            return ShutdownResult(accepted: true, runningJobs: running)
        }
    }
}
