import Foundation

/// Callers of `job.wait` parked until their job changes state. A caller takes a ticket
/// *before* it reads the job's state, so a change between the read and the wait is never
/// missed.
final class JobWaiters: @unchecked Sendable {
    final class Ticket: @unchecked Sendable {
        fileprivate let jobID: String
        fileprivate var woken = false
        fileprivate var continuation: CheckedContinuation<Void, Never>?
        fileprivate weak var owner: JobWaiters?

        fileprivate init(jobID: String, owner: JobWaiters) {
            self.jobID = jobID
            self.owner = owner
        }

        /// Returns once the job changed since the ticket was taken, or after `timeout` seconds.
        func wait(timeout: Double) async {
            guard let owner else { return }
            let timer = DeadlineTimer(after: timeout) { [weak self] in
                guard let self else { return }
                self.owner?.fire(self)
            }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow: Bool = owner.lock.withLock {
                    if woken { return true }
                    self.continuation = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
            timer.cancel()
            owner.remove(self)
        }
    }

    fileprivate let lock = NSLock()
    private var tickets: [String: [ObjectIdentifier: Ticket]] = [:]

    func ticket(for jobID: String) -> Ticket {
        let ticket = Ticket(jobID: jobID, owner: self)
        lock.withLock { tickets[jobID, default: [:]][ObjectIdentifier(ticket)] = ticket }
        return ticket
    }

    func wake(_ jobID: String) {
        let waiting: [CheckedContinuation<Void, Never>] = lock.withLock {
            guard let all = tickets.removeValue(forKey: jobID) else { return [] }
            return all.values.compactMap { ticket in
                ticket.woken = true
                defer { ticket.continuation = nil }
                return ticket.continuation
            }
        }
        for continuation in waiting { continuation.resume() }
    }

    fileprivate func fire(_ ticket: Ticket) {
        let continuation: CheckedContinuation<Void, Never>? = lock.withLock {
            ticket.woken = true
            defer { ticket.continuation = nil }
            return ticket.continuation
        }
        continuation?.resume()
    }

    /// Gives back a ticket that will not be waited on.
    func discard(_ ticket: Ticket) {
        remove(ticket)
    }

    fileprivate func remove(_ ticket: Ticket) {
        lock.withLock {
            tickets[ticket.jobID]?.removeValue(forKey: ObjectIdentifier(ticket))
            if tickets[ticket.jobID]?.isEmpty == true { tickets[ticket.jobID] = nil }
        }
    }
}
