import Foundation
import MarianneProtocol

/// What `subscribe` sends: the job list once, then each change. One poller serves every
/// subscriber, and only while there is one; it reads the same `job.list` the socket serves.
actor JobFeed {
    enum Event: Sendable {
        case snapshot([JobSummary])
        case changed(JobSummary)
        case removed(String)
    }

    static let interval: UInt64 = 250_000_000
    static let listLimit = 500

    private let calls: MethodCaller
    private var subscribers: [UUID: AsyncStream<Event>.Continuation] = [:]
    private var known: [String: JobSummary] = [:]
    private var poller: Task<Void, Never>?
    private var inFlight: Task<Void, Never>?
    private var stopped = false

    init(calls: MethodCaller) {
        self.calls = calls
    }

    /// The current list, then changes, until the consumer stops iterating.
    func subscribe() async -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(1000))
        guard !stopped else {
            continuation.finish()
            return stream
        }
        let id = UUID()
        continuation.onTermination = { [weak self] _ in
            Task { await self?.remove(id) }
        }
        await refresh()
        continuation.yield(.snapshot(ordered()))
        subscribers[id] = continuation
        if poller == nil {
            poller = Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: Self.interval)
                    guard let self, !Task.isCancelled else { return }
                    await self.refresh()
                }
            }
        }
        return stream
    }

    func stop() {
        stopped = true
        poller?.cancel()
        poller = nil
        for continuation in subscribers.values { continuation.finish() }
        subscribers.removeAll()
    }

    private func remove(_ id: UUID) {
        subscribers[id] = nil
        if subscribers.isEmpty {
            poller?.cancel()
            poller = nil
            known.removeAll()
        }
    }

    /// Reads the list and tells every subscriber what changed since the last read. One read
    /// at a time: a caller that comes while one is running waits for it instead.
    private func refresh() async {
        if let running = inFlight {
            await running.value
            return
        }
        let task = Task { await self.read() }
        inFlight = task
        await task.value
        inFlight = nil
    }

    private func read() async {
        guard let list = try? await calls.call(RPCMethods.jobList, ListParams(limit: Self.listLimit)) else { return }
        var current: [String: JobSummary] = [:]
        for job in list.jobs { current[job.jobID] = job }
        var events: [Event] = []
        for job in list.jobs where known[job.jobID] != job {
            events.append(.changed(job))
        }
        // A job missing from the page may only have aged out of it; only a deleted one is removed.
        for id in known.keys where current[id] == nil {
            do {
                _ = try await calls.call(RPCMethods.jobStatus, JobIDParams(jobID: id))
            } catch where error.knownCode == .jobNotFound {
                events.append(.removed(id))
            } catch {}
        }
        known = current
        for continuation in subscribers.values {
            for event in events { continuation.yield(event) }
        }
    }

    private func ordered() -> [JobSummary] {
        known.values.sorted { $0.createdAt > $1.createdAt }
    }
}
