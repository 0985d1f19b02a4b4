import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt kill ID [--signal SIG]`: a signal for every process of a running job.
struct KillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill",
        abstract: "Send a signal to every process of a running job (default TERM).",
        discussion: """
            Every process the job started gets it, whatever process group or session it moved to. The job reacts as to \
            any exit of its processes (a sheet killed by TERM fails, and may be retried); mzt cancel stops the job itself.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The running job.", completion: .custom(Completions.activeJobIDs)) var jobID: String
    @Option(name: .shortAndLong, help: ArgumentHelp("A signal name (TERM, INT, HUP, KILL, USR1, ...) or number.", valueName: "sig"),
            completion: .list(["TERM", "INT", "HUP", "KILL", "QUIT", "USR1", "USR2", "STOP", "CONT"]))
    var signal = "TERM"

    func run() async throws {
        try await global.withClient { client in
            let result = try await client.call(RPCMethods.jobSignal, SignalParams(jobID: jobID, signal: signal))
            if global.json {
                print(Render.json(result))
            } else {
                print("signal \(result.signal) sent to \(result.processes) process\(result.processes == 1 ? "" : "es") of \(result.jobID)")
            }
            if result.processes == 0 { throw ExitCode(ExitCodes.failed) }
        }
    }
}
