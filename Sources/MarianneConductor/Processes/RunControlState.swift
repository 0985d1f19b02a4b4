import Foundation

/// What one `ProcessRunner.run` knows about its child while it runs: the pid, whether the
/// timeout or a cancellation stopped it, and the timer. Thread-safe: the cancellation
/// handler runs on whatever thread cancels the task.
final class RunControlState: @unchecked Sendable {
    private let lock = NSLock()
    private var _pid: Int32?
    private var _timedOut = false
    private var _cancelled = false
    private var _exited = false
    private var cancelGrace: Double?
    private var timer: DeadlineTimer?

    var pid: Int32? { lock.withLock { _pid } }
    var timedOut: Bool { lock.withLock { _timedOut } }
    var cancelled: Bool { lock.withLock { _cancelled } }
    var hasExited: Bool { lock.withLock { _exited } }

    /// The child exists: arm the timeout, and stop it at once if the task was already cancelled.
    func started(pid: Int32, grace: Double, timeout: Double?) {
        let stopNow: Double? = lock.withLock {
            _pid = pid
            if let timeout {
                timer = DeadlineTimer(after: timeout) { [weak self] in
                    guard let self, !self.hasExited else { return }
                    self.lock.withLock { self._timedOut = true }
                    Task { await self.stopGroup(pid, grace: grace) }
                }
            }
            return cancelGrace
        }
        if let stopNow { Task { await stopGroup(pid, grace: stopNow) } }
    }

    /// The task was cancelled: stop the group (now, or as soon as the child exists).
    func cancel(grace: Double) {
        let pid: Int32? = lock.withLock {
            _cancelled = true
            cancelGrace = grace
            return _exited ? nil : _pid
        }
        if let pid { Task { await stopGroup(pid, grace: grace) } }
    }

    /// The child has been reaped.
    func exited() {
        let timer: DeadlineTimer? = lock.withLock {
            _exited = true
            defer { self.timer = nil }
            return self.timer
        }
        timer?.cancel()
    }

    /// TERM (and CONT, for a stopped group), then KILL after `grace` unless the leader has
    /// exited by then (what is left of the group is stopped after the leader is reaped).
    private func stopGroup(_ pgid: Int32, grace: Double) async {
        guard !hasExited else { return }
        _ = killpg(pgid, SIGCONT)
        _ = killpg(pgid, SIGTERM)
        let deadline = ContinuousClock.now + .clampedSeconds(grace)
        var pause = Duration.milliseconds(2)
        while ContinuousClock.now < deadline {
            if hasExited { return }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(50))
        }
        if !hasExited { _ = killpg(pgid, SIGKILL) }
    }
}
