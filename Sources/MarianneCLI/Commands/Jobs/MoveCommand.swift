import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt move ID POSITION`: a queued job's new place in the queue.
struct MoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "move",
        abstract: "Move a pending job in the queue (1 is next to start).",
        discussion: "Give a position, or --first / --last. Only a job waiting in the queue (pending) can move; mzt list shows positions as (#N)."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The pending job.", completion: .custom(Completions.activeJobIDs)) var jobID: String
    @Argument(help: "Its new position (1-based).") var position: Int?
    @Flag(help: "To the front of the queue.") var first = false
    @Flag(help: "To the end of the queue.") var last = false

    func validate() throws {
        let given = [position != nil, first, last].filter { $0 }.count
        guard given == 1 else { throw ValidationError("give a position, --first or --last") }
        try NumericFlags.count(position, flag: "position", in: 1...10_000_000)
    }

    func run() async throws {
        let target = first ? 1 : last ? 10_000_000 : position ?? 1
        try await global.withClient { client in
            let result = try await client.call(RPCMethods.jobMove, MoveParams(jobID: jobID, position: target))
            print(global.json ? Render.json(result) : "\(result.jobID) is now at position \(result.position) in the queue")
        }
    }
}
