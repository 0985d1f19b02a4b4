import Foundation
import MarianneProtocol

/// The one poller of a conductor's Slurm jobs: every tick asks `squeue` once about all of
/// them, so its cost grows with the ticks, not with the jobs. It ticks quickly after a
/// change (a submission, a state seen changing) and backs off while nothing changes; with
/// nothing to follow it stops. A job squeue no longer knows (after MinJobAge, or a
/// controller that lost it) is looked up in accounting; one found nowhere for `goneAfter`
/// is reported gone. Runners wait for changes here; they never call Slurm to poll.
actor SlurmMonitor {
    /// What is known of one followed job.
    struct Observation: Sendable, Equatable {
        /// The latest status Slurm gave for this job (its comment matched, or accounting's
        /// record had its name).
        var status: SlurmJobStatus?
        /// Neither squeue nor accounting knows the job: it will not come back.
        var gone = false
        /// Grows with every change.
        var version = 0
    }

    private struct Followed {
        var name: String
        var comment: String
        var observation = Observation()
        var unseenSince: ContinuousClock.Instant?
        var unseenPolls = 0
    }

    let client: SlurmClient
    let minInterval: Duration
    let maxInterval: Duration
    let goneAfter: Duration
    private var followed: [String: Followed] = [:]
    private var loop: Task<Void, Never>?
    private var interval: Duration
    private var sleeper: CheckedContinuation<Void, Never>?
    private var sleeperTimer: Task<Void, Never>?
    private var pauses = 0
    private var waiters: [Int: (id: String, continuation: CheckedContinuation<Void, Never>)] = [:]
    private var nextWaiter = 0
    /// squeue calls made so far (each covers every followed job).
    private(set) var polls = 0
    /// Whether the last squeue answered, and when a call last answered.
    private(set) var lastAnswered: ContinuousClock.Instant?
    private(set) var lastFailed = false

    init(client: SlurmClient, minInterval: Duration = .milliseconds(200), maxInterval: Duration = .seconds(5), goneAfter: Duration = .seconds(10)) {
        self.client = client
        self.minInterval = minInterval
        self.maxInterval = maxInterval
        self.goneAfter = goneAfter
        self.interval = minInterval
    }

    var followedCount: Int { followed.count }

    /// Starts following a job (`name` and `comment` are what it was submitted with).
    func follow(_ id: String, name: String, comment: String) {
        if followed[id] == nil { followed[id] = Followed(name: name, comment: comment) }
        nudge()
        if loop == nil { loop = Task { await self.run() } }
    }

    /// Stops following a job.
    func forget(_ id: String) {
        followed[id] = nil
        wake(id)
    }

    /// Polls soon (after a submission or a cancel).
    func nudge() {
        interval = minInterval
        sleeper?.resume()
        sleeper = nil
        sleeperTimer?.cancel()
    }

    func observation(_ id: String) -> Observation? {
        followed[id]?.observation
    }

    /// Returns once the job's observation is newer than `version`, after `timeout`, or when
    /// the task is cancelled.
    func waitForChange(_ id: String, after version: Int, timeout: Duration) async {
        guard let current = followed[id], current.observation.version == version else { return }
        nextWaiter += 1
        let token = nextWaiter
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                if Task.isCancelled {
                    continuation.resume()
                    return
                }
                waiters[token] = (id, continuation)
                Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    await self?.resumeWaiter(token)
                }
            }
        } onCancel: {
            Task { await self.resumeWaiter(token) }
        }
    }

    private func resumeWaiter(_ token: Int) {
        waiters.removeValue(forKey: token)?.continuation.resume()
    }

    private func wake(_ id: String) {
        for (token, waiter) in waiters where waiter.id == id {
            waiters[token] = nil
            waiter.continuation.resume()
        }
    }

    // MARK: The loop

    private func run() async {
        while !followed.isEmpty {
            let changed = await tick()
            interval = changed ? minInterval : min(interval * 3 / 2, maxInterval)
            guard !followed.isEmpty else { break }
            await pause(interval)
        }
        loop = nil
    }

    /// One squeue call for every followed job; accounting for those it does not know.
    private func tick() async -> Bool {
        let ids = followed.keys.sorted()
        polls += 1
        guard let answer = await client.queue(ids) else {
            lastFailed = true
            return false
        }
        lastFailed = false
        let now = ContinuousClock.now
        lastAnswered = now
        var changed: Set<String> = []
        var unseen: [String] = []
        let byID = Dictionary(grouping: answer, by: \.jobID)
        for id in ids {
            guard let entry = followed[id] else { continue }
            if let status = byID[id]?.first(where: { $0.comment == entry.comment }) {
                if record(status, for: id) { changed.insert(id) }
            } else {
                if entry.unseenSince == nil { followed[id]?.unseenSince = now }
                followed[id]?.unseenPolls += 1
                unseen.append(id)
            }
        }
        if !unseen.isEmpty {
            let records = await client.accounting(unseen)
            for id in unseen {
                guard let entry = followed[id], !entry.observation.gone else { continue }
                if let status = records.last(where: { $0.jobID == id && $0.name == entry.name }), status.state.isFinal {
                    if record(status, for: id) { changed.insert(id) }
                } else if let since = entry.unseenSince, entry.unseenPolls >= 3, now - since >= goneAfter {
                    followed[id]?.observation.gone = true
                    followed[id]?.observation.version += 1
                    changed.insert(id)
                }
            }
        }
        for id in changed { wake(id) }
        return !changed.isEmpty
    }

    /// Stores a status; true when it differs from the one before.
    private func record(_ status: SlurmJobStatus, for id: String) -> Bool {
        followed[id]?.unseenSince = nil
        followed[id]?.unseenPolls = 0
        guard followed[id]?.observation.status != status else { return false }
        followed[id]?.observation.status = status
        followed[id]?.observation.version += 1
        return true
    }

    private func pause(_ duration: Duration) async {
        pauses += 1
        let generation = pauses
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            sleeper = continuation
            sleeperTimer = Task { [weak self] in
                try? await Task.sleep(for: duration)
                await self?.endPause(generation)
            }
        }
    }

    private func endPause(_ generation: Int) {
        guard generation == pauses else { return }
        sleeper?.resume()
        sleeper = nil
    }
}
