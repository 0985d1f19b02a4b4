import Foundation
import MarianneProtocol

/// A Slurm job state (`squeue`'s `%T`, `scontrol`'s `JobState`, the completion record's).
enum SlurmState: Sendable, Equatable, CustomStringConvertible {
    case pending, running, suspended, completing, configuring, requeued, resizing, stopped
    case completed, failed, cancelled, timeout, nodeFail, outOfMemory, preempted, bootFail, deadline
    case other(String)

    init(_ text: String) {
        // `CANCELLED by 0` in completion records.
        let word = text.split(separator: " ").first.map(String.init)?.uppercased() ?? ""
        switch word {
        case "PENDING", "PD": self = .pending
        case "RUNNING", "R": self = .running
        case "SUSPENDED", "S": self = .suspended
        case "COMPLETING", "CG": self = .completing
        case "CONFIGURING", "CF": self = .configuring
        case "REQUEUED", "REQUEUE_FED", "REQUEUE_HOLD", "RQ": self = .requeued
        case "RESIZING", "RS": self = .resizing
        case "STOPPED", "ST": self = .stopped
        case "COMPLETED", "CD": self = .completed
        case "FAILED", "F": self = .failed
        case "CANCELLED", "CA": self = .cancelled
        case "TIMEOUT", "TO": self = .timeout
        case "NODE_FAIL", "NF": self = .nodeFail
        case "OUT_OF_MEMORY", "OOM": self = .outOfMemory
        case "PREEMPTED", "PR": self = .preempted
        case "BOOT_FAIL", "BF": self = .bootFail
        case "DEADLINE", "DL": self = .deadline
        default: self = .other(word)
        }
    }

    var description: String {
        switch self {
        case .pending: return "PENDING"
        case .running: return "RUNNING"
        case .suspended: return "SUSPENDED"
        case .completing: return "COMPLETING"
        case .configuring: return "CONFIGURING"
        case .requeued: return "REQUEUED"
        case .resizing: return "RESIZING"
        case .stopped: return "STOPPED"
        case .completed: return "COMPLETED"
        case .failed: return "FAILED"
        case .cancelled: return "CANCELLED"
        case .timeout: return "TIMEOUT"
        case .nodeFail: return "NODE_FAIL"
        case .outOfMemory: return "OUT_OF_MEMORY"
        case .preempted: return "PREEMPTED"
        case .bootFail: return "BOOT_FAIL"
        case .deadline: return "DEADLINE"
        case .other(let text): return text
        }
    }

    /// The job has ended for good (its exit code is known).
    var isFinal: Bool {
        switch self {
        case .completed, .failed, .cancelled, .timeout, .nodeFail, .outOfMemory, .preempted, .bootFail, .deadline: return true
        default: return false
        }
    }

    /// Waiting to start: a cancel is a plain `scancel` (a signal to a pending job blocks).
    var isWaiting: Bool {
        switch self {
        case .pending, .requeued, .configuring: return true
        default: return false
        }
    }
}

/// One job as Slurm reports it.
struct SlurmJobStatus: Sendable, Equatable {
    var jobID: String
    var state: SlurmState
    var reason: String?
    /// How the batch script ended, once it has.
    var exit: ExitStatus?
    var name: String?
    var comment: String?
    /// When it started running (squeue's StartTime); nil before, or when Slurm does not say.
    var startedAt: Date?

    /// Parses `squeue -O JobID:|,State:|,Reason:|,exit_code:|,StartTime:|,Name:|,Comment:`
    /// lines (see `SlurmClient.queueFormat`); lines that do not parse are skipped.
    static func parseQueue(_ lines: [String]) -> [SlurmJobStatus] {
        lines.compactMap { line in
            let fields = line.split(separator: "|", maxSplits: 6, omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard fields.count == 7, isJobID(fields[0]) else { return nil }
            let raw = Int(fields[3])
            let state = SlurmState(fields[1])
            return SlurmJobStatus(
                jobID: fields[0], state: state, reason: clean(fields[2]), exit: raw.map(waitStatus), name: clean(fields[5]),
                comment: clean(fields[6]), startedAt: state.isWaiting ? nil : time(fields[4])
            )
        }
    }

    /// squeue prints times in the local time zone, to the second: `2026-12-01T23:09:38`.
    static func time(_ text: String) -> Date? {
        guard text.count == 19 else { return nil }
        return timeFormat.withLock { $0.date(from: text) }
    }

    private static let timeFormat: NSLockedBox<DateFormatter> = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .current
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        return NSLockedBox(formatter)
    }()

    /// Parses `sacct -n -P -o JobID,JobName,State,ExitCode` lines (`ExitCode` is `code:signal`).
    static func parseAccounting(_ lines: [String]) -> [SlurmJobStatus] {
        lines.compactMap { line in
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 4, isJobID(fields[0]) else { return nil }
            return SlurmJobStatus(jobID: fields[0], state: SlurmState(fields[2]), reason: nil, exit: exitCode(fields[3]), name: clean(fields[1]), comment: nil)
        }
    }

    /// `3:0` -> exit code 3; `0:15` -> signal 15.
    static func exitCode(_ text: String) -> ExitStatus? {
        let parts = text.split(separator: ":").map { Int32($0) }
        guard parts.count == 2, let code = parts[0], let signal = parts[1] else { return nil }
        return signal != 0 ? .signaled(signal) : .exited(code)
    }

    /// squeue's `exit_code` is the wait status: the code in the high byte, the signal in the low.
    static func waitStatus(_ raw: Int) -> ExitStatus {
        let signal = Int32(raw & 0x7f)
        return signal != 0 ? .signaled(signal) : .exited(Int32((raw >> 8) & 0xff))
    }

    /// Digits, or an array element `123_4`.
    static func isJobID(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 32 && text.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "_") } && text.first?.isNumber == true
    }

    private static func clean(_ text: String) -> String? {
        text.isEmpty || text == "(null)" || text == "None" ? nil : text
    }
}

/// A value used under a lock (a formatter shared by every poll).
final class NSLockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<T>(_ body: (Value) -> T) -> T {
        lock.withLock { body(value) }
    }
}
