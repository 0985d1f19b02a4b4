import Foundation
import MarianneProtocol

/// Process groups: checking and killing them, including leftovers of a dead conductor.
public enum ProcessGroups {
    /// Whether any process of the group still exists (zombies included).
    public static func isAlive(_ pgid: Int32) -> Bool {
        guard pgid > 1 else { return false }
        return killpg(pgid, 0) == 0 || errno == EPERM
    }

    /// Whether a process of the group is still running (not a zombie).
    public static func hasLiveMembers(_ pgid: Int32) -> Bool {
        ProcFS.groupMembers(pgid).contains { ProcFS.state(pid: $0) != "Z" }
    }

    /// TERM to the group, then KILL after `grace` seconds if a member is still running.
    public static func kill(_ pgid: Int32, grace: Double) async {
        guard pgid > 1, isAlive(pgid) else { return }
        _ = killpg(pgid, SIGCONT)
        _ = killpg(pgid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline {
            if !isAlive(pgid) || !hasLiveMembers(pgid) { return }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        _ = killpg(pgid, SIGKILL)
        let killDeadline = Date().addingTimeInterval(2)
        while Date() < killDeadline, isAlive(pgid), hasLiveMembers(pgid) {
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
    }

    /// Whether a member of the group carries `MZT_JOB_ID=<jobID>` in its environment: a
    /// process group id recorded by a dead conductor may have been reused since, and an
    /// unrelated group must never be killed.
    public static func belongsToJob(_ pgid: Int32, jobID: String) -> Bool {
        let marker = Array("MZT_JOB_ID=\(jobID)".utf8)
        for pid in ProcFS.groupMembers(pgid) {
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { continue }
            for entry in data.split(separator: 0) where Array(entry) == marker {
                return true
            }
        }
        return false
    }
}
