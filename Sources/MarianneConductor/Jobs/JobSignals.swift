import Foundation
import MarianneProtocol

/// `job.signal`: a signal for every process a running job started (found by the marker in
/// their environment, as `LeftoverProcesses` finds them), whatever group or session they
/// moved to. Only the job's own processes are touched.
struct JobSignals: Sendable {
    let store: JobStore
    let log: JobLog
    let home: String

    /// Signal names (with or without `SIG`, any case) and numbers 1-64.
    static func number(_ text: String) -> Int32? {
        if let value = Int32(text) { return (1...64).contains(value) ? value : nil }
        var name = text.uppercased()
        if name.hasPrefix("SIG") { name.removeFirst(3) }
        return names[name]
    }

    static let names: [String: Int32] = [
        "HUP": SIGHUP, "INT": SIGINT, "QUIT": SIGQUIT, "KILL": SIGKILL, "USR1": SIGUSR1, "USR2": SIGUSR2,
        "TERM": SIGTERM, "CONT": SIGCONT, "STOP": SIGSTOP, "TSTP": SIGTSTP, "ALRM": SIGALRM, "WINCH": SIGWINCH,
    ]

    func send(_ params: SignalParams) async throws -> SignalResult {
        guard let signal = Self.number(params.signal) else {
            throw JobError.invalidParams("unknown signal \"\(params.signal)\"; use a name (\(Self.names.keys.sorted().joined(separator: ", "))) or a number from 1 to 64")
        }
        let row = try await store.row(params.jobID)
        guard row.jobStatus == .running || row.jobStatus == .paused else {
            throw JobError.invalidParams("job \(row.id) is \(row.status); only a running or paused job has processes to signal")
        }
        let home = self.home, id = row.id
        let pids = await OffPool.run { LeftoverProcesses.find(jobs: [id], home: home)[id] ?? [] }
        var sent = 0
        for pid in pids where kill(pid, signal) == 0 { sent += 1 }
        log.append(id, level: "WARNING", message: "signal \(signal) sent to \(sent) process\(sent == 1 ? "" : "es") of the job")
        return SignalResult(jobID: id, signal: signal, processes: sent)
    }
}
