import Foundation
import MarianneCore
import MarianneTestSupport
import Testing
@testable import MarianneConductor

/// `circuit_breaker` per instrument and `cost_limits` of a job.
struct CircuitBreakersTests {
    @Test func anInstrumentFailingInARowRestsThenOneAttemptProbesIt() async throws {
        var breakers = CircuitBreakers(config: CircuitBreakerConfig(failureThreshold: 2, recoveryTimeoutSeconds: 2))
        let once = breakers.record("codex-cli", failed: true)
        #expect(!once && breakers.wait("codex-cli") == nil, "one failure does not open it")
        let twice = breakers.record("codex-cli", failed: true)
        #expect(twice, "the second in a row opens it")
        let wait = try #require(breakers.wait("codex-cli"))
        #expect(wait > 0 && wait <= 2)
        #expect(breakers.wait("claude-code") == nil, "other instruments are not affected")
        let open = breakers
        try await Poll.until(timeout: 10) { open.wait("codex-cli") == nil }
        let probe = breakers.record("codex-cli", failed: true)
        #expect(probe, "half-open: the probe's failure opens it again at once")
        let reopened = breakers
        try await Poll.until(timeout: 10) { reopened.wait("codex-cli") == nil }
        let success = breakers.record("codex-cli", failed: false)
        let after = breakers.record("codex-cli", failed: true)
        #expect(!success && !after, "a success closed it: counting starts over")
    }

    @Test func withoutTheSectionItAppliesToAgentsOnly() throws {
        let agent = try #require(BuiltinInstruments.named("claude-code"))
        let shell = try #require(BuiltinInstruments.named("cli"))
        let implicit = CircuitBreakers(config: CircuitBreakerConfig())
        #expect(implicit.applies(to: agent) && !implicit.applies(to: shell))
        #expect(CircuitBreakers(config: CircuitBreakerConfig(declared: true)).applies(to: shell))
        #expect(!CircuitBreakers(config: CircuitBreakerConfig(enabled: false, declared: true)).applies(to: agent))
    }

    @Test func costLimitsWarnOnceThenStopTheSheetOrTheJob() {
        var ledger = CostLedger(config: CostLimitConfig(enabled: true, maxCostPerSheet: 1, maxCostPerJob: 2, warnAtPercent: 50))
        let first = ledger.check(sheet: 1, sheetCost: 0.4, jobCost: 0.4)
        #expect(first.isEmpty)
        let warned = ledger.check(sheet: 1, sheetCost: 0.6, jobCost: 0.6)
        #expect(warned == [.warn("sheet 1 has spent $0.6000 of its $1.0000 limit")])
        let again = ledger.check(sheet: 1, sheetCost: 0.7, jobCost: 0.7)
        #expect(again.isEmpty, "each warning once")
        guard case .sheetOver(let reason)? = ledger.check(sheet: 1, sheetCost: 1.2, jobCost: 1.2).last else {
            Issue.record("the sheet is over its limit")
            return
        }
        #expect(reason.contains("over cost_limits.max_cost_per_sheet $1.0000"))
        guard case .jobOver(let stop)? = ledger.check(sheet: 2, sheetCost: 0.1, jobCost: 2.5).first else {
            Issue.record("the job is over its limit")
            return
        }
        #expect(stop.contains("cost limit reached: the job spent $2.5000, over cost_limits.max_cost_per_job $2.0000"))
        var off = CostLedger(config: CostLimitConfig(enabled: false, maxCostPerJob: 0.01))
        let disabled = off.check(sheet: 1, sheetCost: 5, jobCost: 5)
        #expect(disabled.isEmpty, "disabled limits never stop anything")
    }
}
