import CMarianneShims
import Foundation

/// The conductor's own children. With the conductor a child subreaper, descendants that
/// lose their parent are re-parented to it; `ChildExits` reaps only the children
/// `ChildSpawner` started, so the adopted ones are reaped here, by pid, once they are
/// zombies. A spawn in flight (its pid not known yet) holds the sweep off, so a child of
/// ours is never reaped behind `ChildExits`' back.
final class ChildTable: @unchecked Sendable {
    static let shared = ChildTable()

    private let lock = NSLock()
    private var direct: Set<Int32> = []
    private var spawning = 0
    /// Only a subreaper adopts orphans; any other process (a test runner, a program that
    /// embeds the engine) has children of its own that must never be reaped here.
    private var subreaper = false

    /// Makes this process a child subreaper; returns whether the system allowed it.
    @discardableResult
    static func becomeSubreaper() -> Bool {
        let done = marianne_set_child_subreaper() == 0
        shared.lock.withLock { shared.subreaper = done }
        return done
    }

    func beginSpawn() {
        lock.withLock { spawning += 1 }
    }

    func endSpawn(pid: Int32?) {
        lock.withLock {
            spawning -= 1
            if let pid { direct.insert(pid) }
        }
    }

    /// `ChildExits` has reaped it.
    func finished(pid: Int32) {
        lock.withLock { _ = direct.remove(pid) }
    }

    /// Reaps adopted children that have exited. Cheap: reads `/proc/self/task/*/children`.
    func reapOrphans() {
        lock.withLock {
            guard subreaper, spawning == 0 else { return }
            for pid in Self.adoptedCandidates() where !direct.contains(pid) && ProcFS.state(pid: pid) == "Z" {
                var status: Int32 = 0
                _ = waitpid(pid, &status, WNOHANG)
            }
        }
    }

    /// Adopted children (not started by us), alive or not.
    func adoptedChildren() -> [Int32] {
        lock.withLock {
            guard subreaper else { return [] }
            return Self.adoptedCandidates().filter { !direct.contains($0) }
        }
    }

    /// The children of the main thread: the kernel hands orphans to a subreaper's first
    /// live thread, the main one, so one small file says whether there are any (the
    /// children the main thread started itself are listed too, and told apart by `direct`).
    private static func adoptedCandidates() -> [Int32] {
        let pid = getpid()
        return ProcFS.children(ofThread: pid, in: pid)
    }
}
