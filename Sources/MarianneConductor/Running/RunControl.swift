import Foundation
import MarianneCore
import MarianneProtocol

/// Time a job has run: what earlier runs spent (from the checkpoint) plus this run so far.
struct RunClock: Sendable {
    let before: Double
    let started = ContinuousClock.now

    var elapsed: Double {
        let spent = ContinuousClock.now - started
        return before + Double(spent.components.seconds) + Double(spent.components.attoseconds) / 1e18
    }
}

/// The control state score and module runs share: the stop and pause requests, whether the
/// job is frozen (`pause --now`), the clock, and the watcher that notices a cancel signal
/// file (every 100 ms) and the duration limit. `onStop` is how the runner stops its work.
final class RunControl: @unchecked Sendable {
    /// How often the watcher looks, in seconds.
    static let pollSeconds = 0.1

    let jobID: String
    let workspace: String
    let clock: RunClock
    let maxDuration: Double?
    private let lock = NSLock()
    private var _stop: StopRequest?
    private var _pause = false
    private var _frozen = false
    /// Time frozen (`pause --now`) does not count as running: when the current freeze began,
    /// and how long earlier ones lasted.
    private var frozenSince: ContinuousClock.Instant?
    private var frozenSeconds = 0.0
    private var stopHandler: (@Sendable (StopRequest) -> Void)?
    private var pauseHandler: (@Sendable () -> Void)?
    /// The watcher's next look, on the conductor's timer thread (no task sleeps between looks).
    private var watchTimer: DeadlineClock.Entry?
    private var watching = false

    init(checkpoint: JobCheckpoint) {
        jobID = checkpoint.jobID
        workspace = checkpoint.workspace
        clock = RunClock(before: checkpoint.elapsedSeconds)
        maxDuration = checkpoint.maxDurationSeconds
    }

    var stopRequest: StopRequest? { lock.withLock { _stop } }
    var pauseRequested: Bool { lock.withLock { _pause } }
    var isFrozen: Bool { lock.withLock { _frozen } }
    var elapsed: Double {
        lock.withLock {
            let current = frozenSince.map { Self.seconds(ContinuousClock.now - $0) } ?? 0
            return max(0, clock.elapsed - frozenSeconds - current)
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
    var pauseFile: String { WorkspaceFiles.pauseSignal(workspace: workspace, jobID: jobID) }

    /// What to do when a stop is requested (called once, with the first request).
    func onStop(_ handler: @escaping @Sendable (StopRequest) -> Void) {
        lock.withLock { stopHandler = handler }
    }

    /// Records the stop; true for the first request (later ones change nothing).
    @discardableResult
    func requestStop(_ request: StopRequest) -> Bool {
        let handler: (@Sendable (StopRequest) -> Void)? = lock.withLock {
            guard _stop == nil else { return nil }
            _stop = request
            return stopHandler
        }
        guard let handler else { return false }
        handler(request)
        return true
    }

    /// What to do when a pause is requested (called once). Scores need none: they check
    /// `pauseRequested` at each sheet boundary.
    func onPause(_ handler: @escaping @Sendable () -> Void) {
        lock.withLock { pauseHandler = handler }
    }

    func requestPause() {
        let handler: (@Sendable () -> Void)? = lock.withLock {
            guard !_pause else { return nil }
            _pause = true
            return pauseHandler
        }
        handler?()
    }

    func setFrozen(_ frozen: Bool) {
        lock.withLock {
            if frozen, frozenSince == nil {
                frozenSince = .now
            } else if !frozen, let since = frozenSince {
                frozenSeconds += Self.seconds(ContinuousClock.now - since)
                frozenSince = nil
            }
            _frozen = frozen
        }
    }

    /// True when a pause file was created by hand (a score checks it at each sheet boundary).
    func pauseFileExists() -> Bool {
        access(pauseFile, F_OK) == 0
    }

    /// Starts watching the cancel file and the duration limit; `log` gets the reason. With
    /// `pauseFile`, a pause file created by hand requests a pause too.
    func startWatching(log: @escaping @Sendable (String) -> Void, pauseFile: Bool = false) {
        lock.withLock { watching = true }
        armWatch(log: log, pauseFile: pauseFile)
    }

    /// Schedules the watcher's next look, unless watching stopped meanwhile.
    private func armWatch(log: @escaping @Sendable (String) -> Void, pauseFile: Bool) {
        let entry = DeadlineClock.shared.schedule(after: Self.pollSeconds) { [weak self] in
            guard let self, self.lock.withLock({ self.watching }) else { return }
            if self.stopRequest == nil {
                if let (request, message) = self.check() {
                    log(message)
                    self.requestStop(request)
                } else if pauseFile, !self.pauseRequested, self.pauseFileExists() {
                    self.requestPause()
                }
            }
            self.armWatch(log: log, pauseFile: pauseFile)
        }
        let stale: DeadlineClock.Entry? = lock.withLock {
            guard watching else { return entry }
            watchTimer = entry
            return nil
        }
        if let stale { DeadlineClock.shared.cancel(stale) }
    }

    func stopWatching() {
        let entry: DeadlineClock.Entry? = lock.withLock {
            watching = false
            defer { watchTimer = nil }
            return watchTimer
        }
        if let entry { DeadlineClock.shared.cancel(entry) }
    }

    /// The stop the job needs now, with the log line that says why; nil to keep running.
    /// A cancel file found is removed.
    private func check() -> (StopRequest, String)? {
        let cancelFile = WorkspaceFiles.cancelSignal(workspace: workspace, jobID: jobID)
        if access(cancelFile, F_OK) == 0 {
            unlink(cancelFile)
            return (.cancel, "cancel signal file found; cancelling")
        }
        if let maxDuration, elapsed >= maxDuration {
            return (.durationLimit, "Duration limit reached (\(DurationFormatter.human(maxDuration)))")
        }
        return nil
    }
}

extension JobCheckpoint {
    /// The state a job's checkpoint takes when a run begins.
    mutating func beginRun() {
        status = .running
        pid = getpid()
        pausedByUser = false
        if startedAt == nil { startedAt = Date() }
    }

    /// The state a job's checkpoint takes when a run ends.
    mutating func endRun(_ outcome: RunOutcome) {
        status = outcome.status
        error = outcome.error
        pausedByUser = outcome == .paused
        if outcome.status.isTerminal { finishedAt = Date() }
        processGroups = nil
    }
}
