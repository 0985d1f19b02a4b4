import Foundation
import MarianneCore
import MarianneProtocol

/// What happens to a sheet after a failed attempt, by the kind of failure: a rate limit waits
/// without spending a retry (up to `rate_limit.max_waits`, then the fallback); a missing
/// program or an authentication failure goes to the fallback or fails at once; an overload
/// is retried after a backoff without spending a retry; a partial success gets completion
/// attempts; anything else spends the score's retries, then the self-healing attempt.
struct SheetPolicy: Sendable {
    enum Decision: Sendable, Equatable {
        /// Run again after `delay` seconds (with `instrument`, the next prompt).
        case retry(after: Double, note: String?)
        /// The instrument is rate limited: hold it back this long, then run again.
        case rateLimited(wait: Double)
        case fail(String)
    }

    let score: Score
    let catalog: InstrumentCatalog
    let selfHealing: Bool
    /// The sheet's instrument, then its fallbacks that exist here.
    private(set) var chain: [ResolvedInstrument]
    private(set) var position = 0
    private(set) var retriesUsed = 0
    private(set) var capacityRetries = 0
    private(set) var rateLimitWaits: Int
    private(set) var completionAttempts: Int
    private(set) var healing = false
    private(set) var history: [PastAttempt] = []
    /// What the next attempt's prompt says besides the template.
    private(set) var nextPrompt = PromptAttempt.first
    private(set) var failureContext: String?

    init(score: Score, catalog: InstrumentCatalog, sheet: PlannedSheet, selfHealing: Bool, state: SheetState) {
        self.score = score
        self.catalog = catalog
        self.selfHealing = selfHealing
        let primary = InstrumentResolver.resolve(score, sheet: sheet)
        var chain = [primary]
        for name in primary.fallbacks {
            let fallback = score.instruments[name].map { ResolvedInstrument(name: $0.profile, alias: name, config: $0.config) }
                ?? ResolvedInstrument(name: InstrumentResolver.canonical(name))
            if catalog.profile(fallback.name) != nil, !chain.contains(where: { $0.name == fallback.name && $0.alias == fallback.alias }) {
                chain.append(fallback)
            }
        }
        self.chain = chain
        self.rateLimitWaits = state.rateLimitWaits ?? 0
        self.completionAttempts = state.completionAttempts ?? 0
        // A sheet resumed after a fallback keeps playing the instrument it had reached.
        if let played = state.instrument, let index = chain.firstIndex(where: { $0.name == played }) { position = index }
    }

    var instrument: ResolvedInstrument { chain[position] }
    var hasFallback: Bool { position + 1 < chain.count }
    var rateLimit: RateLimitConfig { score.limits.rateLimit }

    /// Seconds to hold an instrument back after a rate limit: `rate_limit.wait_minutes`, or
    /// this project's `backend.rate_limit_wait` when the score gives it.
    var rateLimitWait: Double {
        if score.backend.rateLimitDeclared, !rateLimit.declared { return score.backend.rateLimitWaitSeconds }
        return Double(rateLimit.waitMinutes) * 60
    }

    /// The next attempt's prompt context, numbered.
    func prompt(attempt: Int) -> PromptAttempt {
        var prompt = nextPrompt
        prompt.number = attempt
        prompt.history = history
        return prompt
    }

    mutating func decide(_ result: AttemptResult, attempt: Int, rawPrompt: Bool) -> Decision {
        let reason = result.failure ?? "failed"
        history.append(PastAttempt(attempt: attempt, failure: reason, kind: result.kind, validations: result.validations))
        if history.count > FailureHistory.maxEntries { history.removeFirst(history.count - FailureHistory.maxEntries) }
        nextPrompt.completion = nil
        if result.kind == .rateLimit || result.rateLimited {
            rateLimitWaits += 1
            if rateLimitWaits <= rateLimit.maxWaits { return .rateLimited(wait: rateLimitWait) }
            return fallback(because: "\(instrument.name) stayed rate limited after \(rateLimit.maxWaits) wait\(rateLimit.maxWaits == 1 ? "" : "s")")
                ?? .fail("\(reason); still rate limited after \(rateLimit.maxWaits) wait\(rateLimit.maxWaits == 1 ? "" : "s") (rate_limit.max_waits)")
        }
        rateLimitWaits = 0
        if result.spawnFailure == .notFound || result.kind == .auth {
            return fallback(because: result.spawnFailure == .notFound ? "\(instrument.name) is not installed" : "\(instrument.name) failed to authenticate")
                ?? .fail(reason)
        }
        if result.kind == .capacity, capacityRetries < rateLimit.maxWaits {
            capacityRetries += 1
            return .retry(after: score.retry.delay(beforeRetry: capacityRetries), note: "overloaded; retrying without spending a retry")
        }
        if !rawPrompt, let completion = completion(after: result) {
            completionAttempts += 1
            nextPrompt.completion = completion
            return .retry(after: score.limits.completion.delaySeconds, note: "completion attempt \(completion.attempt) of \(completion.maxAttempts)")
        }
        if retriesUsed < score.retry.maxRetries {
            retriesUsed += 1
            return .retry(after: score.retry.delay(beforeRetry: retriesUsed), note: nil)
        }
        if selfHealing, !healing {
            healing = true
            failureContext = result.failureContext
            return .retry(after: 0, note: "retries used up; one self-healing attempt")
        }
        return .fail(reason)
    }

    /// After an attempt that ran and passed some validations (at least
    /// `completion_threshold_percent`) but not all: a completion attempt, while any are left.
    private func completion(after result: AttemptResult) -> PromptAttempt.Completion? {
        let config = score.limits.completion
        guard result.answered, completionAttempts < config.maxAttempts else { return nil }
        let checked = result.validations.count
        let passed = result.validations.count(where: \.passed)
        guard checked > 0, passed > 0, passed < checked else { return nil }
        guard Double(passed) * 100 / Double(checked) >= config.thresholdPercent else { return nil }
        return PromptAttempt.Completion(attempt: completionAttempts + 1, maxAttempts: config.maxAttempts, previous: result.validations)
    }

    /// Moves to the next instrument of the chain, with a fresh budget; nil when there is none.
    private mutating func fallback(because cause: String) -> Decision? {
        guard hasFallback else { return nil }
        position += 1
        rateLimitWaits = 0
        capacityRetries = 0
        return .retry(after: 0, note: "\(cause); falling back to \(instrument.alias ?? instrument.name)")
    }
}
