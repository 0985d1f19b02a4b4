import Foundation
import MarianneProtocol

/// Process groups: stopping what an attempt left in its group, and the leftovers of a dead
/// conductor.
public enum ProcessGroups {
    /// Whether any process of the group still exists (zombies included).
    public static func isAlive(_ pgid: Int32) -> Bool {
        guard pgid > 1 else { return false }
        return killpg(pgid, 0) == 0 || errno == EPERM
    }

    /// Stops what is left of a group whose leader has been reaped: TERM, then KILL after
    /// `grace`. Members that die are our children (we are their subreaper) and are reaped
    /// here by group, which ends the group. Waits with a growing pause, never a busy loop.
    static func stopRemaining(_ pgid: Int32, grace: Double) async {
        reap(pgid)
        guard isAlive(pgid) else { return }
        _ = killpg(pgid, SIGCONT)
        _ = killpg(pgid, SIGTERM)
        if await waitUntilGone(pgid, for: grace) { return }
        _ = killpg(pgid, SIGKILL)
        _ = await waitUntilGone(pgid, for: 2)
    }

    /// Reaps members of the group that are our children and have exited.
    private static func reap(_ pgid: Int32) {
        var status: Int32 = 0
        while waitpid(-pgid, &status, WNOHANG) > 0 {}
    }

    /// Waits until no process of the group exists. A member that is a zombie of a parent
    /// outside the group keeps it "alive" until the deadline; that costs the wait, nothing else.
    private static func waitUntilGone(_ pgid: Int32, for seconds: Double) async -> Bool {
        let deadline = ContinuousClock.now + .clampedSeconds(seconds)
        var pause = Duration.milliseconds(1)
        while true {
            reap(pgid)
            if !isAlive(pgid) { return true }
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(50))
        }
    }

    /// TERM to a group a dead conductor left, then KILL after `grace` while a member runs.
    public static func kill(_ pgid: Int32, grace: Double) async {
        guard pgid > 1, isAlive(pgid) else { return }
        _ = killpg(pgid, SIGCONT)
        _ = killpg(pgid, SIGTERM)
        if await waitUntilGone(pgid, for: grace) { return }
        _ = killpg(pgid, SIGKILL)
        _ = await waitUntilGone(pgid, for: 2)
    }

    /// Whether a member of the group carries `MZT_JOB_ID=<jobID>` in its environment: a
    /// process group id recorded by a dead conductor may have been reused since, and an
    /// unrelated group must never be killed.
    public static func belongsToJob(_ pgid: Int32, jobID: String) -> Bool {
        guard pgid > 1 else { return false }
        return ProcFS.groupMembers(pgid).contains { ProcFS.environment(of: $0, contains: "MZT_JOB_ID=\(jobID)") }
    }
}
