import MarianneCore
import MarianneProtocol

extension SheetSummary {
    /// The instrument, usage and output of a sheet's checkpoint state, for `job.status`.
    mutating func addInstrument(_ state: SheetState) {
        instrument = state.instrument
        model = state.model
        if let usage = state.usage {
            (inputTokens, outputTokens, costUSD) = (usage.inputTokens, usage.outputTokens, usage.costUSD)
        }
        output = state.stdoutTail
        attemptLog = state.attemptLog?.map {
            SheetAttemptSummary(
                attempt: $0.attempt, instrument: $0.instrument, model: $0.model, outcome: $0.outcome, inputTokens: $0.usage.inputTokens,
                outputTokens: $0.usage.outputTokens, costUSD: $0.usage.costUSD, durationSeconds: $0.durationSeconds
            )
        }
    }
}
