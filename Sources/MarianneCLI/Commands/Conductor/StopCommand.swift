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

    func validate() throws {
        try NumericFlags.seconds(grace, flag: "--grace")
    }

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
            let status = try await client.call(RPCMethods.conductorStatus, Empty())
            let running = status.runningJobs.count
            if running > 0, !yes, isatty(0) != 0 {
                let width = Terminal.width ?? 80
                let text = "\(running) job\(running == 1 ? " is" : "s are") running (\(status.runningJobs.joined(separator: ", "))). "
                    + "They will be stopped and resumed from their checkpoints when the conductor starts again. Stop? [y/N]"
                print(TextWrap.wrap(text, width: width).joined(separator: "\n") + " ", terminator: "")
                Terminal.flush()
                guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                    print("not stopped")
                    throw ExitCode(ExitCodes.failed)
                }
            } else if running > 0, !quiet, !global.json {
                Problem.warning("stopping \(running) running job\(running == 1 ? "" : "s"); they resume on the next start")
            }
            _ = try await client.call(RPCMethods.conductorShutdown, ShutdownParams(graceSeconds: grace))
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
        Problem.error("the conductor (pid \(pid)) did not stop within \(Int(timeout))s; use mzt stop --force")
        throw ExitCode(ExitCodes.busy)
    }
}
