import Dispatch
import Foundation

/// The conductor's one timer thread: every `DeadlineTimer` is an entry in its heap, ordered
/// by deadline on the monotonic clock. Arming or cancelling a timer takes a lock and wakes
/// the thread only when the new deadline comes before the one it sleeps until, so a sheet's
/// timeout, armed and cancelled with every attempt, costs no thread wake-up (a dispatch
/// timer source woke dispatch's timer thread to arm it and again to cancel it). A cancelled
/// entry leaves the heap at once. A due entry's action runs on the queue it was armed for
/// (a global queue unless told).
final class DeadlineClock: @unchecked Sendable {
    /// The clock every `DeadlineTimer` uses.
    static let shared = DeadlineClock()

    /// One armed timer (its fields are read and written under the clock's lock).
    final class Entry: @unchecked Sendable {
        fileprivate let deadline: UInt64
        fileprivate let order: UInt64
        fileprivate var action: (@Sendable () -> Void)?
        fileprivate let queue: DispatchQueue
        /// Its place in the heap; -1 once it left (fired or cancelled).
        fileprivate var index = -1

        fileprivate init(deadline: UInt64, order: UInt64, queue: DispatchQueue, action: @escaping @Sendable () -> Void) {
            self.deadline = deadline
            self.order = order
            self.queue = queue
            self.action = action
        }

        /// Whether `self` is due before `other` (earlier deadline, then armed first).
        fileprivate func precedes(_ other: Entry) -> Bool {
            deadline != other.deadline ? deadline < other.deadline : order < other.order
        }
    }

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var heap: [Entry] = []
    private var armed: UInt64 = 0
    private var started = false
    /// The deadline the thread sleeps until (`UInt64.max`: until woken); nil while it works.
    private var sleepingUntil: UInt64?

    init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    /// How many timers are armed (for tests).
    var count: Int { locked { heap.count } }

    /// Arms a timer that runs `action` on `queue` once `seconds` (at least 0) have passed.
    /// The clock holds the entry until then: a caller that never cancels need not keep it.
    @discardableResult
    func schedule(after seconds: Double, on queue: DispatchQueue = .global(), _ action: @escaping @Sendable () -> Void) -> Entry {
        let delay = UInt64(max(0, seconds) * 1e9)
        let now = Self.now()
        return locked {
            armed += 1
            let entry = Entry(deadline: now > UInt64.max - delay ? UInt64.max : now + delay, order: armed, queue: queue, action: action)
            push(entry)
            if !started {
                started = true
                let thread = Thread { [self] in run() }
                thread.name = "marianne.timers"
                thread.start()
            } else if let until = sleepingUntil, entry.deadline < until {
                pthread_cond_signal(condition)
            }
            return entry
        }
    }

    /// Disarms `entry`: its action does not run if it has not been handed over yet.
    func cancel(_ entry: Entry) {
        locked {
            entry.action = nil
            if entry.index >= 0 { remove(at: entry.index) }
        }
    }

    private func run() {
        pthread_mutex_lock(mutex)
        while true {
            let now = Self.now()
            var due: [(DispatchQueue, @Sendable () -> Void)] = []
            while let first = heap.first, first.deadline <= now {
                remove(at: 0)
                if let action = first.action { due.append((first.queue, action)) }
                first.action = nil
            }
            if !due.isEmpty {
                pthread_mutex_unlock(mutex)
                for (queue, action) in due { queue.async(execute: action) }
                pthread_mutex_lock(mutex)
                continue
            }
            if let first = heap.first {
                sleepingUntil = first.deadline
                var until = timespec(tv_sec: Int(first.deadline / 1_000_000_000), tv_nsec: Int(first.deadline % 1_000_000_000))
                pthread_cond_timedwait(condition, mutex, &until)
            } else {
                sleepingUntil = .max
                pthread_cond_wait(condition, mutex)
            }
            sleepingUntil = nil
        }
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    /// Nanoseconds on the monotonic clock (the condition waits on the same clock).
    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    // MARK: The heap (under the lock)

    private func push(_ entry: Entry) {
        entry.index = heap.count
        heap.append(entry)
        siftUp(entry.index)
    }

    private func remove(at index: Int) {
        let removed = heap[index]
        let last = heap.removeLast()
        removed.index = -1
        guard index < heap.count else { return }
        heap[index] = last
        last.index = index
        siftDown(index)
        siftUp(last.index)
    }

    private func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { return }
            swapAt(child, parent)
            child = parent
        }
    }

    private func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var first = parent
            if left < heap.count, heap[left].precedes(heap[first]) { first = left }
            if right < heap.count, heap[right].precedes(heap[first]) { first = right }
            guard first != parent else { return }
            swapAt(parent, first)
            parent = first
        }
    }

    private func swapAt(_ a: Int, _ b: Int) {
        heap.swapAt(a, b)
        heap[a].index = a
        heap[b].index = b
    }
}
