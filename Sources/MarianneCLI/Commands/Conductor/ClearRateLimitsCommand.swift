import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt clear-rate-limits [INSTRUMENT]`: ends the conductor's wait on a rate-limited
/// instrument (all of them without a name); the sheets waiting on it start again.
struct ClearRateLimitsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear-rate-limits",
        abstract: "End the wait on a rate-limited instrument (all without a name); its waiting sheets start again.",
        discussion: "mzt conductor-status lists the instruments held back by a rate limit. -i/--instrument is accepted too, as in Marianne."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The instrument, e.g. claude-code.") var instrument: String?
    @Option(name: [.customShort("i"), .long], help: "The instrument (the same as the argument).") var instrumentOption: String?

    func validate() throws {
        if instrument != nil, instrumentOption != nil, instrument != instrumentOption {
            throw ValidationError("give the instrument once: as the argument or with --instrument")
        }
    }

    func run() async throws {
        let name = instrument ?? instrumentOption
        try await global.withClient { client in
            let result = try await client.call(RPCMethods.conductorClearRateLimits, ClearRateLimitsParams(instrument: name))
            if global.json {
                print(Render.json(result))
            } else if result.cleared.isEmpty {
                print("no rate limit on \(name ?? "any instrument")")
            } else {
                print("rate limit cleared: \(result.cleared.joined(separator: ", "))")
            }
        }
    }

    /// The rate limits and model places of `mzt conductor-status`.
    static func describe(_ status: ConductorStatusResult) -> [String] {
        var lines: [String] = []
        for limit in status.rateLimits ?? [] {
            lines.append("rate limited: \(limit.instrument) until \(Render.time(limit.until)) (sheet \(limit.sheet) of \(limit.jobID); \(limit.waitingSheets) sheet\(limit.waitingSheets == 1 ? "" : "s") waiting; mzt clear-rate-limits \(limit.instrument) ends it)")
        }
        for slot in status.modelSlots ?? [] {
            lines.append("model:    \(slot.instrument) \(slot.model): \(slot.running) of \(slot.limit) running" + (slot.waiting > 0 ? ", \(slot.waiting) waiting" : ""))
        }
        return lines
    }
}
