import Foundation
import MarianneCore
import MarianneProtocol

/// What every job of the conductor shares about instruments: rate limits (a limit hit by one
/// sheet holds back every job's sheets on that instrument until it passes or is cleared) and
/// the sheets running on each model (`max_concurrent` of the profile's model, across jobs).
actor InstrumentBoard {
    struct Limit {
        var until: Date
        var deadline: ContinuousClock.Instant
        var jobID: String
        var sheet: Int
        var reason: String
    }

    private struct Slot {
        var limit: Int
        var running = 0
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Bool, Never>)] = []
    }

    private var limits: [String: Limit] = [:]
    private var limitWaiters: [String: [UInt64: CheckedContinuation<Void, Never>]] = [:]
    private var expiries: [String: Task<Void, Never>] = [:]
    private var slots: [String: Slot] = [:]
    private var nextID: UInt64 = 0
    /// Instruments with a limit at once, at most (names come from scores and profiles).
    static let maxInstruments = 10_000

    // MARK: Rate limits

    /// Holds `instrument` back for `seconds` (a later deadline extends an earlier one).
    func limit(_ instrument: String, seconds: Double, jobID: String, sheet: Int, reason: String) {
        let wait = min(max(0, seconds.isFinite ? seconds : 0), ScoreLimits.maxSeconds)
        let deadline = ContinuousClock.now + .milliseconds(Int64(wait * 1000))
        if let existing = limits[instrument], existing.deadline >= deadline { return }
        guard limits[instrument] != nil || limits.count < Self.maxInstruments else { return }
        limits[instrument] = Limit(until: Date().addingTimeInterval(wait), deadline: deadline, jobID: jobID, sheet: sheet, reason: String(reason.prefix(300)))
        expiries[instrument]?.cancel()
        expiries[instrument] = Task { [weak self] in
            try? await Task.sleep(until: deadline, clock: .continuous)
            guard !Task.isCancelled else { return }
            await self?.expire(instrument, deadline: deadline)
        }
    }

    /// When the limit on `instrument` ends; nil when it is not limited.
    func limitedUntil(_ instrument: String) -> Limit? {
        guard let limit = limits[instrument], limit.deadline > .now else { return nil }
        return limit
    }

    /// Returns once `instrument` is not rate limited (at once when it is not), or when the
    /// task is cancelled.
    func waitWhileLimited(_ instrument: String) async {
        while limitedUntil(instrument) != nil, !Task.isCancelled {
            nextID += 1
            let id = nextID
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    limitWaiters[instrument, default: [:]][id] = continuation
                }
            } onCancel: {
                Task { await self.dropWaiter(instrument, id) }
            }
        }
    }

    /// Ends the limits of `instrument` (all when nil); returns the instruments cleared.
    @discardableResult
    func clear(_ instrument: String?) -> [String] {
        let names = instrument.map { limits[$0] == nil ? [] : [$0] } ?? Array(limits.keys)
        for name in names {
            limits[name] = nil
            expiries.removeValue(forKey: name)?.cancel()
            wake(name)
        }
        return names.sorted()
    }

    /// Every active limit, for `conductor.status`.
    func rateLimits() -> [InstrumentRateLimit] {
        limits.filter { $0.value.deadline > .now }.map { name, limit in
            InstrumentRateLimit(
                instrument: name, until: limit.until, jobID: limit.jobID, sheet: limit.sheet, reason: limit.reason,
                waitingSheets: limitWaiters[name]?.count ?? 0
            )
        }.sorted { $0.instrument < $1.instrument }
    }

    private func expire(_ instrument: String, deadline: ContinuousClock.Instant) {
        guard let limit = limits[instrument], limit.deadline <= deadline else { return }
        limits[instrument] = nil
        expiries[instrument] = nil
        wake(instrument)
    }

    private func wake(_ instrument: String) {
        for continuation in (limitWaiters.removeValue(forKey: instrument) ?? [:]).values { continuation.resume() }
    }

    private func dropWaiter(_ instrument: String, _ id: UInt64) {
        limitWaiters[instrument]?.removeValue(forKey: id)?.resume()
        if limitWaiters[instrument]?.isEmpty == true { limitWaiters[instrument] = nil }
    }

    // MARK: Models

    static func key(_ instrument: String, _ model: String) -> String { instrument + "\u{0}" + model }

    /// Waits for a place among the `limit` sheets that may run on `model` of `instrument`;
    /// false when the task was cancelled first (nothing to release then).
    func acquire(instrument: String, model: String, limit: Int) async -> Bool {
        let key = Self.key(instrument, model)
        var slot = slots[key] ?? Slot(limit: max(1, limit))
        slot.limit = max(1, limit)
        if slot.running < slot.limit, slot.waiters.isEmpty {
            slot.running += 1
            slots[key] = slot
            return true
        }
        slots[key] = slot
        guard !Task.isCancelled else { return false }
        nextID += 1
        let id = nextID
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                slots[key]?.waiters.append((id, continuation))
            }
        } onCancel: {
            Task { await self.dropSlotWaiter(key, id) }
        }
    }

    /// Gives the place back: to the first sheet waiting for one, else it is free.
    func release(instrument: String, model: String) {
        let key = Self.key(instrument, model)
        guard var slot = slots[key] else { return }
        if !slot.waiters.isEmpty {
            let next = slot.waiters.removeFirst()
            slots[key] = slot
            next.continuation.resume(returning: true)
            return
        }
        slot.running = max(0, slot.running - 1)
        slots[key] = slot.running == 0 ? nil : slot
    }

    private func dropSlotWaiter(_ key: String, _ id: UInt64) {
        guard let index = slots[key]?.waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = slots[key]?.waiters.remove(at: index)
        waiter?.continuation.resume(returning: false)
    }

    /// The models in use, for `conductor.status`.
    func slotUsage() -> [ModelSlotUsage] {
        slots.map { key, slot in
            let parts = key.split(separator: "\u{0}", maxSplits: 1).map(String.init)
            return ModelSlotUsage(instrument: parts.first ?? key, model: parts.count > 1 ? parts[1] : "", running: slot.running, limit: slot.limit, waiting: slot.waiters.count)
        }.sorted { ($0.instrument, $0.model) < ($1.instrument, $1.model) }
    }
}
