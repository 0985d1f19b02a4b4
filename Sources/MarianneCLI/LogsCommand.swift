import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt logs ID`: a job's log; `-f` follows it until the job ends.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Show a job's log; with -f, follow it until the job ends.",
        discussion: "While following, a dropped connection is re-established and resumes after the last entry seen."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job id.") var jobID: String
    @Flag(name: .shortAndLong, help: "Follow new entries until the job ends; exit 0 if it completed.") var follow = false
    @Option(name: .shortAndLong, help: "Only the last N entries of the history.") var n: Int?
    @Option(help: "Only entries after this sequence number.") var since: Int?
    @Option(help: "Minimum level: DEBUG, INFO, WARNING, ERROR.") var level: String?
    @Flag(help: "Show each sheet's output instead: what its instrument answered (the end of it).") var output = false
    @Option(help: "With --output, only this sheet.") var sheet: Int?

    func run() async throws {
        try await global.withClient { client in
            if output {
                let status = try await client.call(RPCMethods.jobStatus, JobIDParams(jobID: jobID))
                print(TerminalText.forStdout(Self.outputs(status, sheet: sheet)))
                return
            }
            let params = LogsParams(jobID: jobID, tail: n, since: since, level: level, follow: follow ? true : nil)
            if !follow {
                let result = try await client.call(RPCMethod.jobLogs, params: params, as: LogsResult.self)
                for entry in result.entries { LogPrinter.print(entry, json: global.json) }
                return
            }
            let result = try await LogPrinter.follow(client: client, params: params, json: global.json)
            if result.status != .completed { throw ExitCode(ExitCodes.failed) }
        }
    }
}

extension LogsCommand {
    /// `mzt logs ID --output`: each sheet's answer, with the instrument that gave it.
    static func outputs(_ status: JobStatusResult, sheet: Int?) -> String {
        let sheets = status.sheets.filter { sheet == nil || $0.number == sheet }
        return sheets.map { state in
            let header = "== sheet \(state.number) (\(state.status.rawValue)\(state.instrument.map { ", \($0)" } ?? ""))"
            return header + "\n" + (state.output ?? "(no output)")
        }.joined(separator: "\n")
    }
}

/// Prints log entries and follows a job's log across reconnects.
enum LogPrinter {
    /// On a terminal, the job's text has its control characters made visible (TerminalText).
    static func print(_ entry: LogEntry, json: Bool) {
        if json {
            Swift.print(TerminalText.jsonForStdout(Render.jsonLine(entry)))
        } else {
            let level = entry.level.padding(toLength: 7, withPad: " ", startingAt: 0)
            Swift.print("\(Render.time(entry.timestamp)) \(level) \(TerminalText.forStdout(entry.message))")
        }
    }

    /// Streams until the job ends. A lost connection is retried with bounded backoff from the
    /// last sequence number seen, so nothing is shown twice and nothing is skipped.
    static func follow(client: DaemonClient, params: LogsParams, json: Bool) async throws -> LogsResult {
        let last = LastSeen(params.since ?? 0)
        var delay = 0.1
        var failures = 0
        var request = params
        while true {
            do {
                let result = try await client.stream(
                    RPCMethod.jobLogs, params: request, notification: LogNotification.self, result: LogsResult.self
                ) { note in
                    if note.entry.missed == nil { last.value = max(last.value, note.entry.seq) }
                    print(note.entry, json: json)
                }
                return result
            } catch let error as ClientError where error.isConnectionLoss {
                failures += 1
                if failures > 20 { throw error }
                try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
                delay = min(delay * 2, 2)
                request.since = last.value
                request.tail = nil
            }
        }
    }

    final class LastSeen: @unchecked Sendable {
        private let lock = NSLock()
        private var seq: Int
        init(_ seq: Int) { self.seq = seq }
        var value: Int {
            get { lock.withLock { seq } }
            set { lock.withLock { seq = newValue } }
        }
    }
}

/// `mzt results ID`: what a job saved.
struct ResultsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "List the results a job saved, in order."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job id.") var jobID: String

    func run() async throws {
        try await global.withClient { client in
            let result = try await client.call(RPCMethod.jobResults, params: JobIDParams(jobID: jobID), as: ResultsResult.self)
            if global.json {
                Swift.print(TerminalText.jsonForStdout(Render.json(result)))
                return
            }
            if result.results.isEmpty { Swift.print("\(jobID): no results") }
            for entry in result.results {
                Swift.print("\(entry.seq)  \(Render.time(entry.timestamp))  \(TerminalText.jsonForStdout(Render.jsonLine(entry.data)))")
            }
        }
    }
}
