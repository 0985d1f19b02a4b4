import CMarianneShims
import Foundation
import Testing
@testable import MarianneConductor

/// The one-shot timer behind sheet timeouts and `job.wait` deadlines.
struct DeadlineTimerTests {
    /// Bytes the heap holds now.
    static func heapInUse() -> Int { Int(marianne_heap_in_use()) }

    @Test func firesOnceAfterItsDelay() async throws {
        let fired = Counter()
        let start = ContinuousClock.now
        let timer = DeadlineTimer(after: 2) { fired.add() }
        let deadline = ContinuousClock.now + .seconds(30)
        while fired.value == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(fired.value == 1)
        #expect(ContinuousClock.now - start >= .milliseconds(50))
        timer.cancel()
    }

    @Test func aCancelledTimerNeverFires() async throws {
        let fired = Counter()
        let timer = DeadlineTimer(after: 2) { fired.add() }
        timer.cancel()
        // A timer that was not cancelled, started after it, has fired by the time we look.
        let witness = Counter()
        let later = DeadlineTimer(after: 2.5) { witness.add() }
        let deadline = ContinuousClock.now + .seconds(30)
        while witness.value == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(witness.value == 1)
        #expect(fired.value == 0)
        later.cancel()
    }

    /// Every finished sheet cancels its hour-long timeout: a cancelled timer must give its
    /// memory back at once (a cancelled `Task.sleep` kept about 1 KB until the hour was over).
    @Test func cancelledTimersKeepNoMemory() async throws {
        for _ in 0..<1000 { DeadlineTimer(after: 3600) {}.cancel() }
        let before = Self.heapInUse()
        for _ in 0..<20_000 { DeadlineTimer(after: 3600) {}.cancel() }
        var grown = Self.heapInUse() - before
        let deadline = ContinuousClock.now + .seconds(30)
        while grown > 2_000_000, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            grown = Self.heapInUse() - before
        }
        #expect(grown < 2_000_000, "20,000 cancelled timers still hold \(grown) bytes")
    }
}

/// A thread-safe count.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func add() { lock.withLock { count += 1 } }
}

/// Waiting for work at most so long.
struct DeadlineValueTests {
    @Test func aValueInTimeIsGiven() async {
        #expect(await DeadlineTimer.value(within: 30) { 42 } == 42)
    }

    /// Work that ignores cancellation (here: waits on a continuation nobody resumes for a
    /// minute) does not hold the caller past the deadline.
    @Test func workThatDoesNotEndIsLeftAfterTheDeadline() async {
        let start = ContinuousClock.now
        let value = await DeadlineTimer.value(within: 0.2) { () async -> Int in
            await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
                DispatchQueue.global().asyncAfter(deadline: .now() + 60) { continuation.resume(returning: 1) }
            }
        }
        #expect(value == nil)
        #expect(ContinuousClock.now - start < .seconds(30))
    }

    @Test func aCancelledCallerStopsWaiting() async {
        let waiting = Task {
            await DeadlineTimer.value(within: 3600) { () async -> Int in
                await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
                    DispatchQueue.global().asyncAfter(deadline: .now() + 60) { continuation.resume(returning: 1) }
                }
            }
        }
        waiting.cancel()
        #expect(await waiting.value == nil)
    }
}

/// The one thread behind every `DeadlineTimer`.
struct DeadlineClockTests {
    /// A short timer armed while the thread sleeps until an hour-long one must still fire:
    /// arming an earlier deadline wakes the thread.
    @Test func anEarlierTimerWakesTheClock() async throws {
        let clock = DeadlineClock()
        let hour = DeadlineTimer(after: 3600, clock: clock) {}
        // Let the thread go to sleep on the hour-long deadline first.
        let settle = ContinuousClock.now + .seconds(30)
        while clock.count != 1, ContinuousClock.now < settle { try await Task.sleep(for: .milliseconds(5)) }
        let fired = Counter()
        let short = DeadlineTimer(after: 0.05, clock: clock) { fired.add() }
        let deadline = ContinuousClock.now + .seconds(30)
        while fired.value == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(fired.value == 1)
        #expect(clock.count == 1, "the fired timer left the clock; the hour-long one is still armed")
        hour.cancel()
        short.cancel()
        #expect(clock.count == 0)
    }

    /// Each timer fires once, never before its deadline, whatever order they were armed in.
    @Test func timersFireAtTheirDeadlines() async throws {
        let clock = DeadlineClock()
        let late = Order()
        let delays = [0.30, 0.10, 0.25, 0.05, 0.20, 0.15]
        let start = ContinuousClock.now
        let timers = delays.map { delay in
            DeadlineTimer(after: delay, clock: clock) {
                let elapsed = ContinuousClock.now - start
                late.add(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18 - delay)
            }
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while late.values.count < delays.count, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(late.values.count == delays.count)
        #expect(late.values.allSatisfy { $0 >= 0 }, "fired early by \(late.values.filter { $0 < 0 })")
        #expect(clock.count == 0)
        _ = timers
    }

    /// Cancelled timers leave the heap at once, from any place in it, and never fire (the
    /// others are due in 2 s: time enough to cancel half of them on a loaded machine).
    @Test func cancelledTimersLeaveTheHeap() async throws {
        let clock = DeadlineClock()
        let fired = Counter()
        let timers = (0..<200).map { i in DeadlineTimer(after: 2 + Double(i % 7) * 0.01, clock: clock) { fired.add() } }
        for (i, timer) in timers.enumerated() where i % 2 == 0 { timer.cancel() }
        #expect(clock.count == 100)
        let deadline = ContinuousClock.now + .seconds(30)
        while fired.value < 100, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(fired.value == 100)
        #expect(clock.count == 0)
    }
}

/// Values, in the order they came.
final class Order: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [Double] = []
    var values: [Double] { lock.withLock { list } }
    func add(_ value: Double) { lock.withLock { list.append(value) } }
}
