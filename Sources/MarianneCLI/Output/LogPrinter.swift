import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// Prints log entries and follows a job's log across reconnects.
enum LogPrinter {
    /// On a terminal, the job's text has its control characters made visible (TerminalText).
    static func print(_ entry: LogEntry, json: Bool) {
        if json {
            Swift.print(TerminalText.jsonForStdout(Render.jsonLine(entry)))
        } else {
            let short = String(entry.level.prefix(7))
            let level = Render.pad(short, by: 7 - short.count)
            let shown = switch LogEntry.rank(entry.level) {
            case 3...: Palette.stdout.paint(level, .red)
            case 2: Palette.stdout.paint(level, .yellow)
            case 0: Palette.stdout.paint(level, .dim)
            default: level
            }
            Swift.print("\(Render.time(entry.timestamp)) \(shown) \(TerminalText.forStdout(entry.message))")
        }
    }

    /// Streams until the job ends. A lost connection is retried with bounded backoff from the
    /// last sequence number seen, so nothing is shown twice and nothing is skipped.
    static func follow(client: DaemonClient, params: LogsParams, json: Bool) async throws -> LogsResult {
        Terminal.flushEachLine()
        let last = LastSeen(params.since ?? 0)
        var delay = 0.1
        var failures = 0
        var request = params
        while true {
            do {
                let result = try await client.stream(
                    RPCMethods.jobLogs, request, notification: LogNotification.self
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
