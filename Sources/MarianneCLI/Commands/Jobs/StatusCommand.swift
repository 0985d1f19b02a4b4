import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt status ID`: progress, a sheet table and the last errors.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a job's progress, its sheets and its last errors.",
        discussion: """
            --watch redraws every second until the job ends; when standard output is not a terminal it prints a plain \
            snapshot each second instead (no screen clearing), one line at a time.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The job id.", completion: .custom(Completions.jobIDs))
    var jobID: String

    @Flag(help: "Redraw every second until the job ends.")
    var watch = false

    func run() async throws {
        try await Self.perform(global.context, jobID: jobID, watch: watch)
    }

    static func perform(_ global: ClientContext, jobID: String, watch: Bool) async throws {
        guard watch else { return try show(global, jobID: jobID) }
        Terminal.flushEachLine()
        try await global.withClient { client in
            var first = true
            while true {
                let status = try await client.call(RPCMethods.jobStatus, JobIDParams(jobID: jobID))
                if !global.json {
                    if Terminal.stdoutIsTerminal {
                        print("\u{1B}[H\u{1B}[2J", terminator: "")
                    } else if !first {
                        print("")
                    }
                }
                print(render(status, json: global.json))
                first = false
                guard !status.job.status.isTerminal else { return }
                try await Task.sleep(nanoseconds: 1_000_000_000)
            }
        }
    }

    /// One snapshot, without suspending (the quick path runs it on the main thread).
    static func show(_ global: ClientContext, jobID: String) throws {
        try global.withClientNow { client in
            print(render(try client.callNow(RPCMethods.jobStatus, JobIDParams(jobID: jobID)), json: global.json))
        }
    }

    static func render(_ status: JobStatusResult, json: Bool) -> String {
        json ? TerminalText.jsonForStdout(Render.json(status)) : JobStatusView.render(status, palette: .stdout, now: Date())
    }
}
