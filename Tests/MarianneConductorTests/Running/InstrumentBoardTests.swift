import Foundation
import MarianneCore
import MarianneProtocol
import MarianneTestSupport
import Testing
@testable import MarianneConductor

/// The conductor-wide board: rate limits shared by every job, model places under `max_concurrent`.
struct InstrumentBoardTests {
    @Test func aRateLimitHoldsEveryWaiterUntilItIsCleared() async throws {
        let board = InstrumentBoard()
        let before = Date()
        await board.limit("claude-code", seconds: 600, jobID: "a", sheet: 2, reason: "rate limited")
        let released = Flag()
        let waiter = Task {
            await board.waitWhileLimited("claude-code")
            released.set()
        }
        try await Poll.until(timeout: 10) { await board.rateLimits().first?.waitingSheets == 1 }
        let shown = try #require(await board.rateLimits().first)
        #expect(shown.instrument == "claude-code" && shown.jobID == "a" && shown.sheet == 2)
        #expect(shown.until >= before.addingTimeInterval(599) && shown.until <= Date().addingTimeInterval(601))
        #expect(!released.isSet, "the waiter waits")
        #expect(await board.limitedUntil("gemini-cli") == nil, "another instrument is free")
        #expect(await board.clear("gemini-cli").isEmpty)
        #expect(await board.clear("claude-code") == ["claude-code"])
        await waiter.value
        let left = await board.rateLimits()
        #expect(released.isSet && left.isEmpty)
    }

    @Test func aRateLimitEndsByItselfAndALaterDeadlineExtendsIt() async throws {
        let board = InstrumentBoard()
        await board.limit("codex-cli", seconds: 3, jobID: "a", sheet: 1, reason: "429")
        await board.limit("codex-cli", seconds: 1, jobID: "b", sheet: 1, reason: "429")
        #expect(await board.limitedUntil("codex-cli")?.jobID == "a", "an earlier deadline does not shorten the wait")
        let started = ContinuousClock.now
        await board.waitWhileLimited("codex-cli")
        #expect(ContinuousClock.now - started >= .milliseconds(2500))
        #expect(await board.limitedUntil("codex-cli") == nil)
        // A non-finite wait is no wait (and no trap); a huge one is capped.
        await board.limit("codex-cli", seconds: .nan, jobID: "c", sheet: 1, reason: "bad")
        await board.limit("aider", seconds: 1e300, jobID: "c", sheet: 1, reason: "bad")
        let capped = try #require(await board.limitedUntil("aider"))
        #expect(capped.until <= Date().addingTimeInterval(ScoreLimits.maxSeconds + 1))
        #expect(await board.clear(nil).contains("aider"))
    }

    @Test func aModelRunsAtMostItsMaxConcurrentSheetsAcrossJobs() async throws {
        let board = InstrumentBoard()
        #expect(await board.acquire(instrument: "claude-code", model: "opus", limit: 2))
        #expect(await board.acquire(instrument: "claude-code", model: "opus", limit: 2))
        #expect(await board.acquire(instrument: "claude-code", model: "sonnet", limit: 2), "another model has its own places")
        let third = Task { await board.acquire(instrument: "claude-code", model: "opus", limit: 2) }
        try await Poll.until(timeout: 10) { await board.slotUsage().first { $0.model == "opus" }?.waiting == 1 }
        #expect(await board.slotUsage().first { $0.model == "opus" } == ModelSlotUsage(instrument: "claude-code", model: "opus", running: 2, limit: 2, waiting: 1))
        await board.release(instrument: "claude-code", model: "opus")
        #expect(await third.value, "the place goes to the sheet that waited")
        let cancelled = Task { await board.acquire(instrument: "claude-code", model: "opus", limit: 2) }
        try await Poll.until(timeout: 10) { await board.slotUsage().first { $0.model == "opus" }?.waiting == 1 }
        cancelled.cancel()
        #expect(await cancelled.value == false, "a cancelled waiter gets no place")
        for _ in 0..<2 { await board.release(instrument: "claude-code", model: "opus") }
        await board.release(instrument: "claude-code", model: "sonnet")
        #expect(await board.slotUsage().isEmpty)
    }
}
