import Foundation
import MarianneCore
import MarianneProtocol
import MarianneTestSupport
import Testing
@testable import MarianneConductor

/// What happens after a failed attempt, by the kind of failure (`SheetPolicy`).
struct SheetPolicyTests {
    func policy(_ yaml: String) throws -> SheetPolicy {
        let loaded = try ScoreLoader.load(yaml: "name: p\nworkspace: ./ws\nprompt: {template: \"go\"}\n" + yaml, baseDirectory: "/tmp")
        let sheet = try #require(loaded.sheets.first)
        return SheetPolicy(score: loaded.score, catalog: loaded.instruments, sheet: sheet, selfHealing: false, state: SheetState(number: sheet.number))
    }

    func result(_ kind: InstrumentFailureKind?, spawn: SpawnError.Kind? = nil, validations: [ValidationOutcome] = [], answered: Bool = false) -> AttemptResult {
        var result = AttemptResult.failed("failed", spawn: spawn)
        result.kind = kind
        result.validations = validations
        result.answered = answered
        return result
    }

    @Test func aRateLimitWaitsWithoutARetryThenGoesToTheFallback() throws {
        var policy = try policy("rate_limit: {wait_minutes: 2, max_waits: 2}\ninstrument_fallbacks: [gemini-cli]\nretry: {max_retries: 0}\n")
        #expect(policy.instrument.name == "claude-code")
        #expect(policy.decide(result(.rateLimit), attempt: 1, rawPrompt: false) == .rateLimited(wait: 120))
        #expect(policy.decide(result(.rateLimit), attempt: 2, rawPrompt: false) == .rateLimited(wait: 120))
        guard case .retry(_, let note) = policy.decide(result(.rateLimit), attempt: 3, rawPrompt: false) else {
            Issue.record("the third limit goes to the fallback")
            return
        }
        #expect(note?.contains("falling back to gemini-cli") == true)
        #expect(policy.instrument.name == "gemini-cli" && policy.rateLimitWaits == 0)
        #expect(policy.decide(result(.rateLimit), attempt: 4, rawPrompt: false) == .rateLimited(wait: 120), "the fallback has its own waits")
    }

    @Test func aMissingProgramOrAnAuthFailureFailsAtOnceWithoutAFallback() throws {
        var missing = try policy("retry: {max_retries: 5}\n")
        #expect(missing.decide(result(nil, spawn: .notFound), attempt: 1, rawPrompt: false) == .fail("failed"))
        var denied = try policy("retry: {max_retries: 5}\n")
        #expect(denied.decide(result(.auth), attempt: 1, rawPrompt: false) == .fail("failed"))
        var rescued = try policy("retry: {max_retries: 5}\ninstrument_fallbacks: [no-such-tool, codex-cli]\n")
        #expect(rescued.chain.map(\.name) == ["claude-code", "codex-cli"], "fallbacks that do not exist here are left out")
        guard case .retry = rescued.decide(result(.auth), attempt: 1, rawPrompt: false) else {
            Issue.record("the fallback takes over")
            return
        }
        #expect(rescued.instrument.name == "codex-cli" && rescued.retriesUsed == 0)
    }

    @Test func anOverloadBacksOffWithoutSpendingARetry() throws {
        var policy = try policy("retry: {max_retries: 1, base_delay_seconds: 2}\n")
        #expect(policy.decide(result(.capacity), attempt: 1, rawPrompt: false) == .retry(after: 2, note: "overloaded; retrying without spending a retry"))
        #expect(policy.retriesUsed == 0)
        #expect(policy.decide(result(.failed), attempt: 2, rawPrompt: false) == .retry(after: 2, note: nil))
        #expect(policy.decide(result(.failed), attempt: 3, rawPrompt: false) == .fail("failed"))
    }

    @Test func aPartialSuccessGetsCompletionAttemptsNamingWhatIsLeft() throws {
        var policy = try policy("retry: {max_retries: 0, max_completion_attempts: 1, completion_delay_seconds: 0.5}\n")
        let half = [
            ValidationOutcome(type: "file_exists", description: "a", stage: 1, passed: true),
            ValidationOutcome(type: "file_exists", description: "b", stage: 1, passed: false),
        ]
        #expect(policy.decide(result(nil, validations: half, answered: true), attempt: 1, rawPrompt: false) == .retry(after: 0.5, note: "completion attempt 1 of 1"))
        let next = policy.prompt(attempt: 2)
        #expect(next.completion?.previous == half && next.number == 2 && next.history.count == 1)
        #expect(policy.decide(result(nil, validations: half, answered: true), attempt: 2, rawPrompt: false) == .fail("failed"), "completion attempts run out")
        var raw = try self.policy("retry: {max_retries: 0}\n")
        #expect(raw.decide(result(nil, validations: half, answered: true), attempt: 1, rawPrompt: true) == .fail("failed"), "a shell command gets no completion prompt")
        var none = try self.policy("retry: {max_retries: 0}\n")
        let nothing = half.map { ValidationOutcome(type: $0.type, description: $0.description, stage: 1, passed: false) }
        #expect(none.decide(result(nil, validations: nothing, answered: true), attempt: 1, rawPrompt: false) == .fail("failed"), "nothing passed: no completion")
    }
}
