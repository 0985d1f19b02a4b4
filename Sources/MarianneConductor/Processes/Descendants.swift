import Foundation

/// Descendants of an attempt that left its process group (`setsid`, `setpgid`): the
/// conductor is their subreaper, so once their parents are gone they are its children, and
/// the token every child of a run carries in its environment says which run they belong to.
enum Descendants {
    /// Stops every adopted child carrying `token` (TERM, then KILL after `grace`), and
    /// whatever they start meanwhile, then reaps them.
    static func stopEscaped(token: String, grace: Double) async {
        let marker = "\(ProcessRunner.tokenVariable)=\(token)"
        var rounds = 0
        while rounds < 8 {
            rounds += 1
            let escaped = ChildTable.shared.adoptedChildren().filter {
                ProcFS.state(pid: $0) != "Z" && ProcFS.environment(of: $0, contains: marker)
            }
            guard !escaped.isEmpty else { break }
            for pid in escaped {
                // Each leads its own group or session: stop the whole of it.
                let group = getpgid(pid)
                if group > 1, group == pid { _ = killpg(group, SIGTERM) } else { _ = kill(pid, SIGTERM) }
            }
            let deadline = ContinuousClock.now + .clampedSeconds(grace)
            var pause = Duration.milliseconds(1)
            while ContinuousClock.now < deadline, escaped.contains(where: { ProcFS.state(pid: $0).map { $0 != "Z" } ?? false }) {
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(50))
            }
            for pid in escaped where (ProcFS.state(pid: pid).map { $0 != "Z" } ?? false) {
                let group = getpgid(pid)
                if group > 1, group == pid { _ = killpg(group, SIGKILL) } else { _ = kill(pid, SIGKILL) }
            }
            var left = escaped
            let reapDeadline = ContinuousClock.now + .seconds(2)
            while !left.isEmpty, ContinuousClock.now < reapDeadline {
                left.removeAll { pid in
                    var status: Int32 = 0
                    let result = waitpid(pid, &status, WNOHANG)
                    return result == pid || (result < 0 && errno == ECHILD)
                }
                if !left.isEmpty { try? await Task.sleep(for: .milliseconds(5)) }
            }
        }
    }
}
