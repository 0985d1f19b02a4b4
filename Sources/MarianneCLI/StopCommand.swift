import ArgumentParser
import Foundation
import MarianneClient
import MarianneProtocol

/// `mzt stop`: graceful shutdown; running jobs are checkpointed and resume on the next start.
struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop the conductor; running jobs are checkpointed and resume when it starts again."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Kill the conductor (SIGKILL) instead of stopping it gracefully.")
    var force = false

    @Flag(name: .shortAndLong, help: "Do not ask for confirmation when jobs are running.")
    var yes = false

    @Option(help: "Seconds running jobs get before their processes are stopped.")
    var grace: Double?

    func run() async throws {
        try await Self.stop(global: global, force: force, yes: yes, grace: grace)
    }

    static func stop(global: GlobalOptions, force: Bool, yes: Bool, grace: Double?, quiet: Bool = false) async throws {
        let home = global.home
        if force {
            guard let pid = ConductorProcess.runningPid(home: home) else {
                throw GlobalOptions.fail(.conductorNotRunning, json: global.json)
            }
            kill(pid, SIGKILL)
            try await waitUntilGone(pid: pid, home: home, timeout: 10)
            if !quiet { print("conductor killed (pid \(pid))") }
            return
        }
        try await global.withClient { client in
            let status = try await client.call(RPCMethod.conductorStatus, params: Empty(), as: ConductorStatusResult.self)
            let running = status.runningJobs.count
            if running > 0, !yes, isatty(0) != 0 {
                print("\(running) job\(running == 1 ? " is" : "s are") running (\(status.runningJobs.joined(separator: ", "))).")
                print("They will be stopped and resumed from their checkpoints when the conductor starts again. Stop? [y/N] ", terminator: "")
                guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                    print("not stopped")
                    throw ExitCode(ExitCodes.failed)
                }
            } else if running > 0, !quiet, !global.json {
                FileHandle.standardError.write(Data("warning: stopping \(running) running job\(running == 1 ? "" : "s"); they resume on the next start\n".utf8))
            }
            _ = try await client.call(RPCMethod.conductorShutdown, params: ShutdownParams(graceSeconds: grace), as: ShutdownResult.self)
            try await waitUntilGone(pid: status.pid, home: home, timeout: (grace ?? 10) + 30)
            if global.json {
                print(Render.json(ShutdownResult(accepted: true, runningJobs: running)))
            } else if !quiet {
                print("conductor stopped (pid \(status.pid))")
            }
        }
    }

    /// Returns once the process has exited entirely and released the home's pid-file lock
    /// (so a start right after cannot find it still running).
    static func waitUntilGone(pid: Int32, home: ConductorHome, timeout: Double) async throws {
        if await ConductorProcess.waitUntilGone(pid: pid, home: home, timeout: timeout) { return }
        FileHandle.standardError.write(Data("Error: the conductor (pid \(pid)) did not stop within \(Int(timeout))s; use mzt stop --force\n".utf8))
        throw ExitCode(ExitCodes.busy)
    }
}

/// `mzt restart`: stop (if running), then start.
struct RestartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart", abstract: "Stop the conductor if it runs, then start it.",
        discussion: "A running HTTP gateway is started again on the same address unless --http says otherwise."
    )

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Do not ask for confirmation when jobs are running.") var yes = false
    @Option(name: .customLong("http"), help: ArgumentHelp("Serve the HTTP gateway on HOST:PORT.", valueName: "host:port")) var http: String?
    @Flag(name: .customLong("http-allow-remote"), help: "Allow --http on an address other machines can reach.") var httpAllowRemote = false

    func run() async throws {
        if httpAllowRemote && self.http == nil {
            FileHandle.standardError.write(Data("Error: --http-allow-remote needs --http HOST:PORT\n".utf8))
            throw ExitCode(ExitCodes.usage)
        }
        var http = self.http.map { ["--http", $0] + (httpAllowRemote ? ["--http-allow-remote"] : []) } ?? []
        if ConductorProcess.runningPid(home: global.home) != nil {
            if http.isEmpty, let status = try? await global.client.call(RPCMethod.conductorStatus, params: Empty(), as: ConductorStatusResult.self, timeout: 2),
               let url = status.httpURL {
                let address = String(url.dropFirst("http://".count))
                let loopback = (try? HTTPListenSettings.parse(address, allowRemote: true))?.isLoopback ?? false
                http = ["--http", address] + (loopback ? [] : ["--http-allow-remote"])
            }
            try await StopCommand.stop(global: global, force: false, yes: yes, grace: nil)
        }
        let start = try StartCommand.parse(["--home", global.home.root] + (global.json ? ["--json"] : []) + http)
        try await start.run()
    }
}

/// `mzt conductor-status`: uptime, pid, memory, jobs.
struct ConductorStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "conductor-status", abstract: "Show the conductor's pid, uptime, memory and jobs.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await global.withClient { client in
            let status = try await client.call(RPCMethod.conductorStatus, params: Empty(), as: ConductorStatusResult.self)
            if global.json {
                print(Render.json(status))
                return
            }
            let jobs = status.jobsByStatus.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print("""
                conductor running (pid \(status.pid), version \(status.version))
                uptime:   \(status.uptime)
                memory:   \(String(format: "%.1f MB", Double(status.rssBytes) / 1_048_576))
                home:     \(status.home)
                jobs:     \(jobs.isEmpty ? "none" : jobs)
                running:  \(status.runningJobs.isEmpty ? "none" : status.runningJobs.joined(separator: ", ")) (limit \(status.maxConcurrentJobs))
                modules:  \(status.modules.isEmpty ? "none" : status.modules.joined(separator: ", "))
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
