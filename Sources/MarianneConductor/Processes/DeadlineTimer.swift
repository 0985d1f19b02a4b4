import Dispatch

/// A one-shot timer: runs its action once after a delay, unless cancelled first.
///
/// Long timeouts that usually do not fire (a sheet's timeout, a `job.wait` deadline) use
/// this instead of a task sleeping in `Task.sleep`: a cancelled sleep keeps its task and its
/// dispatch timer allocated until the delay would have ended, so an hour-long timeout of every
/// finished sheet stayed in memory for that hour. A cancelled `DeadlineTimer` frees its timer
/// at once.
final class DeadlineTimer: @unchecked Sendable {
    private let source: DispatchSourceTimer

    /// Starts the timer. `seconds` is clamped to 0 ... 10 years; the action runs on a global queue.
    init(after seconds: Double, action: @escaping @Sendable () -> Void) {
        let delay = seconds.isFinite ? min(max(0, seconds), 315_360_000) : 315_360_000
        source = DispatchSource.makeTimerSource(queue: .global())
        source.schedule(deadline: .now() + .nanoseconds(Int(delay * 1e9)), leeway: .milliseconds(1))
        source.setEventHandler { action() }
        source.activate()
    }

    /// Stops the timer; the action does not run if it has not started yet. Safe to call twice.
    func cancel() {
        source.cancel()
    }

    deinit {
        source.cancel()
    }
}
