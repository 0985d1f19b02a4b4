import Foundation
import MarianneClient
import MarianneProtocol

/// `mzt logs ID --output`: what the job's sheets wrote, each attempt's stream under a
/// `==> sheet N, attempt A, stdout <==` header (as `tail` does for several files); with
/// follow, new output as it comes until the job ends.
struct OutputPrinter {
    let client: DaemonClient
    let jobID: String
    let sheet: Int?
    let json: Bool

    /// Seconds between two reads while following.
    static let interval = 0.2

    /// Prints the output; returns the job's status when it was last read.
    func run(follow: Bool, tailLines: Int?) async throws -> JobStatus {
        if follow { Terminal.flushEachLine() }
        var cursor: [String: Int]?
        var current: String?
        var atLineStart = true
        while true {
            let result = try await client.call(
                RPCMethods.jobOutput, OutputParams(jobID: jobID, sheet: sheet, cursor: cursor, tailLines: cursor == nil ? tailLines : nil)
            )
            for chunk in result.chunks {
                if json {
                    print(TerminalText.jsonForStdout(Render.jsonLine(chunk)))
                    continue
                }
                if chunk.file != current {
                    if !atLineStart { print("") }
                    print(Palette.stdout.paint(Self.header(chunk), .dim))
                    current = chunk.file
                }
                print(TerminalText.forStdout(chunk.text), terminator: "")
                atLineStart = chunk.text.hasSuffix("\n")
            }
            cursor = result.cursor
            if result.more { continue }
            if !follow || result.status.isTerminal {
                if !atLineStart { print("") }
                Terminal.flush()
                return result.status
            }
            Terminal.flush()
            try await Task.sleep(nanoseconds: UInt64(Self.interval * 1e9))
        }
    }

    static func header(_ chunk: OutputChunk) -> String {
        "==> sheet \(chunk.sheet), attempt \(chunk.attempt), \(chunk.stream) <=="
    }
}
