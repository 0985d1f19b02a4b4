import CMarianneShims
import Foundation

/// Tells a conductor whether the one before it crashed (a trap or a fault, not a kill) and
/// which jobs were running then, so a job that keeps crashing the conductor is not resumed
/// for ever. `running.list` holds the ids of the running jobs (rewritten as they change);
/// on a crash, a signal handler writes `crashed` into `crash.note`.
final class CrashNote: @unchecked Sendable {
    private let notePath: String
    private let listPath: String
    private let lock = NSLock()
    private var listFD: Int32 = -1
    private var noteFD: Int32 = -1

    init(home: String) {
        notePath = (home as NSString).appendingPathComponent("crash.note")
        listPath = (home as NSString).appendingPathComponent("running.list")
    }

    /// The jobs that were running when the previous conductor crashed; empty when it did not.
    func previousCrash() -> [String] {
        guard let note = try? String(contentsOfFile: notePath, encoding: .utf8), note.contains("crashed") else { return [] }
        let list = (try? String(contentsOfFile: listPath, encoding: .utf8)) ?? ""
        return list.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    /// Clears the previous note and arms the handler for this conductor.
    func arm() {
        lock.withLock {
            noteFD = open(notePath, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
            listFD = open(listPath, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if noteFD >= 0 { _ = marianne_install_crash_note(noteFD, "crashed\n") }
        }
    }

    /// Records the ids of the jobs running now.
    func update(running ids: [String]) {
        let text = ids.map { $0 + "\n" }.joined()
        lock.withLock {
            guard listFD >= 0 else { return }
            _ = ftruncate(listFD, 0)
            _ = text.withCString { pwrite(listFD, $0, strlen($0), 0) }
        }
    }

    /// A clean stop: nothing crashed.
    func disarm() {
        lock.withLock {
            if listFD >= 0 { _ = ftruncate(listFD, 0) }
        }
    }
}
