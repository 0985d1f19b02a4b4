import Dispatch
import Foundation

/// A one-shot timer: runs its action once after a delay, unless cancelled first.
///
/// Long timeouts that usually do not fire (a sheet's timeout, a `job.wait` deadline) use
/// this instead of a task sleeping in `Task.sleep`: a cancelled sleep keeps its task and its
/// dispatch timer allocated until the delay would have ended, so an hour-long timeout of every
/// finished sheet stayed in memory for that hour. A cancelled `DeadlineTimer` leaves its
/// clock (`DeadlineClock`) at once, and arming or cancelling one wakes no thread.
final class DeadlineTimer: @unchecked Sendable {
    private let clock: DeadlineClock
    private let entry: DeadlineClock.Entry

    /// Starts the timer. `seconds` is clamped to 0 ... 10 years; the action runs on a global queue.
    init(after seconds: Double, clock: DeadlineClock = .shared, action: @escaping @Sendable () -> Void) {
        let delay = seconds.isFinite ? min(max(0, seconds), 315_360_000) : 315_360_000
        self.clock = clock
        entry = clock.schedule(after: delay, action)
    }

    /// Stops the timer; the action does not run if it has not started yet. Safe to call twice.
    func cancel() {
        clock.cancel(entry)
    }

    deinit {
        clock.cancel(entry)
    }
}

extension DeadlineTimer {
    /// The value of `operation` if it ends within `seconds`, else nil (also at once when the
    /// caller is cancelled). The operation runs as a task of its own and goes on after a nil:
    /// a task group racing it against a sleep would still wait for an operation that ignores
    /// cancellation (a connection's close, a task's value) when the group ends.
    static func value<T: Sendable>(within seconds: Double, of operation: @escaping @Sendable () async -> T) async -> T? {
        let answer = OnceAnswer<T?>()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                answer.attach(continuation)
                let timer = DeadlineTimer(after: seconds) { answer.give(nil) }
                Task {
                    let value = await operation()
                    timer.cancel()
                    answer.give(value)
                }
            }
        } onCancel: {
            answer.give(nil)
        }
    }
}

/// A continuation resumed once, by whichever answer comes first (even one that comes before
/// the continuation is attached).
private final class OnceAnswer<T: Sendable>: @unchecked Sendable {
    private enum State {
        case open
        case attached(CheckedContinuation<T, Never>)
        case early(T)
        case done
    }
    private struct Box { let value: T }
    private let lock = NSLock()
    private var state = State.open

    func attach(_ continuation: CheckedContinuation<T, Never>) {
        let ready: Box? = lock.withLock {
            switch state {
            case .open:
                state = .attached(continuation)
                return nil
            case .early(let value):
                state = .done
                return Box(value: value)
            case .attached, .done:
                return nil
            }
        }
        if let ready { continuation.resume(returning: ready.value) }
    }

    func give(_ value: T) {
        let waiting: CheckedContinuation<T, Never>? = lock.withLock {
            switch state {
            case .open:
                state = .early(value)
                return nil
            case .attached(let continuation):
                state = .done
                return continuation
            case .early, .done:
                return nil
            }
        }
        waiting?.resume(returning: value)
    }
}
