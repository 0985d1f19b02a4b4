import CMarianneShims
import Foundation

/// Waits for the conductor's children to exit: one thread blocks in `epoll_wait` on the
/// pidfds of the children being waited for, reaps each one as it exits (waitid on its
/// pidfd) and resumes its waiter. A child without a pidfd (a kernel before 5.2), or one
/// whose pidfd cannot be watched, is waited for by a thread of its own.
final class ChildExits: @unchecked Sendable {
    static let shared = ChildExits()

    private let epoll: Int32
    private let lock = NSLock()
    /// By pidfd: the child's pid and its waiter.
    private var waiting: [Int32: (pid: Int32, continuation: CheckedContinuation<ExitStatus?, Never>)] = [:]

    private init() {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { return }
        let thread = Thread { [epoll] in Self.watch(epoll) }
        thread.name = "marianne-child-exits"
        thread.start()
    }

    /// Waits until `child` exits and reaps it; its pidfd is closed. nil when the child
    /// could not be reaped (it was reaped elsewhere).
    func exit(of child: ChildSpawner.Child) async -> ExitStatus? {
        guard child.pidfd >= 0, epoll >= 0 else { return await Self.reapOnThread(child) }
        return await withCheckedContinuation { continuation in
            lock.withLock { waiting[child.pidfd] = (child.pid, continuation) }
            var event = epoll_event()
            event.events = EPOLLIN.rawValue | EPOLLONESHOT.rawValue
            event.data.fd = child.pidfd
            if epoll_ctl(epoll, EPOLL_CTL_ADD, child.pidfd, &event) != 0 {
                _ = lock.withLock { waiting.removeValue(forKey: child.pidfd) }
                Thread.detachNewThread { continuation.resume(returning: Self.reap(child)) }
            }
        }
    }

    private static func watch(_ epoll: Int32) {
        let capacity: Int32 = 32
        var events = [epoll_event](repeating: epoll_event(), count: Int(capacity))
        while true {
            let count = events.withUnsafeMutableBufferPointer { epoll_wait(epoll, $0.baseAddress, capacity, -1) }
            guard count > 0 else { continue }
            for index in 0..<Int(count) {
                let pidfd = events[index].data.fd
                _ = epoll_ctl(epoll, EPOLL_CTL_DEL, pidfd, nil)
                shared.finish(pidfd)
            }
        }
    }

    /// Reaps the child of `pidfd` and resumes its waiter. The entry leaves the table before
    /// the descriptor is closed: a spawn on another thread may get the same number at once.
    /// The pidfd is readable only once the child has exited, so the reap does not block.
    private func finish(_ pidfd: Int32) {
        guard let entry = lock.withLock({ waiting.removeValue(forKey: pidfd) }) else { return }
        var code: Int32 = -1
        var signal: Int32 = -1
        let reaped = marianne_reap_pidfd(pidfd, entry.pid, &code, &signal) == 0
        close(pidfd)
        entry.continuation.resume(returning: reaped ? Self.status(code: code, signal: signal) : nil)
    }

    private static func reapOnThread(_ child: ChildSpawner.Child) async -> ExitStatus? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: reap(child)) }
        }
    }

    /// Blocks until the child exits (by pidfd when it has one, else by pid).
    private static func reap(_ child: ChildSpawner.Child) -> ExitStatus? {
        var code: Int32 = -1
        var signal: Int32 = -1
        let result = child.pidfd >= 0 ? marianne_reap_pidfd(child.pidfd, child.pid, &code, &signal) : marianne_reap_pid(child.pid, &code, &signal)
        if child.pidfd >= 0 { close(child.pidfd) }
        return result == 0 ? status(code: code, signal: signal) : nil
    }

    private static func status(code: Int32, signal: Int32) -> ExitStatus {
        code >= 0 ? .exited(code) : .signaled(signal)
    }
}
