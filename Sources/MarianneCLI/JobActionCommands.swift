import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt pause ID`: pause at the next sheet boundary.
struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Pause a job at its next sheet boundary.",
        discussion: "Same as creating the file .marianne-pause-ID in the job's workspace."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job id.") var jobID: String
    @Flag(help: "Block until the job is paused.") var wait = false
    @Option(help: "With --wait, give up after this many seconds (exit 75).") var timeout: Double?
    @Flag(help: "Also stop the running processes now (SIGSTOP); resume continues them.") var now = false

    func run() async throws {
        try await global.withClient { client in
            let result = try await client.call(RPCMethod.jobPause, params: PauseParams(jobID: jobID, now: now ? true : nil), as: JobActionResult.self)
            try await JobActionOutput.finish(result, client: client, global: global, wait: wait && result.status != .paused, timeout: timeout, action: "pause")
        }
    }
}

/// `mzt resume ID`: continue from the checkpoint.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Resume a paused, failed, cancelled or stopped job from its checkpoint."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job id.") var jobID: String
    @Flag(help: "Re-read the score file instead of the snapshot in the checkpoint.") var reload = false

    func run() async throws {
        try await global.withClient { client in
            let result = try await client.call(RPCMethod.jobResume, params: ResumeParams(jobID: jobID, reload: reload ? true : nil), as: JobActionResult.self)
            print(global.json ? Render.json(result) : result.message)
        }
    }
}

/// `mzt cancel ID`: stop the job's processes (TERM, then KILL after the grace period).
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a job: TERM its running process groups, KILL after the grace period.",
        discussion: "Same as creating the file .marianne-cancel-ID in the job's workspace."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job id.") var jobID: String
    @Flag(help: "Block until the job has ended.") var wait = false

    func run() async throws {
        try await global.withClient { client in
            let result = try await client.call(RPCMethod.jobCancel, params: JobIDParams(jobID: jobID), as: JobActionResult.self)
            try await JobActionOutput.finish(result, client: client, global: global, wait: wait && !result.status.isTerminal, timeout: nil, action: "end")
        }
    }
}

/// What pause and cancel print, after waiting for the job to settle when asked.
enum JobActionOutput {
    static func finish(
        _ result: JobActionResult, client: DaemonClient, global: GlobalOptions, wait: Bool, timeout: Double?, action: String
    ) async throws {
        var shown = result
        if wait {
            let waited = try await client.call(
                RPCMethod.jobWait, params: WaitParams(jobID: result.jobID, timeout: timeout), as: WaitResult.self,
                timeout: timeout.map { $0 + 5 } ?? .infinity
            )
            if waited.timedOut {
                FileHandle.standardError.write(Data("Error: \(result.jobID) did not \(action) within \(timeout ?? 0)s\n".utf8))
                throw ExitCode(ExitCodes.busy)
            }
            shown.status = waited.job.status
            shown.message = "\(result.jobID) \(waited.job.status.rawValue)"
        }
        print(global.json ? Render.json(shown) : shown.message)
    }
}

/// `mzt delete ID`: forget a finished job.
struct DeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Remove a finished job from the registry (its workspace is left alone)."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job id.") var jobID: String

    func run() async throws {
        try await global.withClient { client in
            let result = try await client.call(RPCMethod.jobDelete, params: JobIDParams(jobID: jobID), as: DeleteResult.self)
            print(global.json ? Render.json(result) : "deleted \(jobID)")
        }
    }
}

/// `mzt clear`: forget finished jobs in bulk.
struct ClearCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear",
        abstract: "Remove finished jobs from the registry; active jobs are never touched."
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only jobs with this status (completed, failed, cancelled, stopped).") var status: [JobStatus] = []
    @Option(name: .customLong("older-than"), help: "Only jobs that finished at least this long ago, e.g. 7d.") var olderThan: String?

    func run() async throws {
        try await global.withClient { client in
            let result = try await client.call(
                RPCMethod.jobClear, params: ClearParams(status: status.isEmpty ? nil : status, olderThan: olderThan), as: ClearResult.self
            )
            print(global.json ? Render.json(result) : "removed \(result.removed.count) job\(result.removed.count == 1 ? "" : "s")")
        }
    }
}

/// `mzt health ID`: the job's running process, from /proc.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Show the process health of a running job (pid, CPU, memory, uptime)."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job id.") var jobID: String

    func run() async throws {
        try await global.withClient { client in
            let health = try await client.call(RPCMethod.jobHealth, params: JobIDParams(jobID: jobID), as: ProcessHealth.self)
            if global.json {
                print(Render.json(health))
                return
            }
            guard let pid = health.pid, health.processExists else {
                print("\(jobID): no process running")
                return
            }
            var parts = ["pid \(pid)", health.isZombie ? "zombie" : (health.isAlive ? "alive" : "dead")]
            if let cpu = health.cpuPercent { parts.append(String(format: "cpu %.1f%%", cpu)) }
            if let memory = health.memoryMB { parts.append(String(format: "memory %.1f MB", memory)) }
            if let uptime = health.uptimeSeconds { parts.append("up \(Render.duration(uptime))") }
            print("\(jobID): " + parts.joined(separator: ", "))
        }
    }
}
