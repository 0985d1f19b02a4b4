import Foundation
import MarianneCore
import MarianneProtocol

/// Checks how a new job asks to queue (group, label, jobs to wait for, delay, command) and
/// turns it into the job's `job_queue` row and its holds. Every value is bounded.
struct QueueAdmission: Sendable {
    let store: JobStore
    let groups: JobGroups

    static let maxLabel = 200
    static let maxAfter = 100
    static let maxCommand = 64 * 1024
    static let maxDelay = 366.0 * 86_400

    /// What a new job's queue options became: its row, the jobs it still waits for, its
    /// earliest start.
    struct Admitted: Sendable {
        var row: JobQueueRow
        var waitingFor: Set<String>
        var notBefore: Date?
    }

    func admit(_ options: QueueOptions?, jobID: String) async throws -> Admitted? {
        guard let options, !options.isEmpty else { return nil }
        if let label = options.label, label.count > Self.maxLabel || label.contains(where: \.isNewline) {
            throw JobError.invalidParams("label must be one line of at most \(Self.maxLabel) characters")
        }
        if let command = options.command, command.utf8.count > Self.maxCommand {
            throw JobError.invalidParams("command must be at most \(Self.maxCommand) bytes")
        }
        let group = options.group.flatMap { $0 == JobGroups.defaultGroup ? nil : $0 }
        if let group { try await checkGroup(group) }
        var notBefore: Date?
        if let delay = options.delay {
            let seconds: Double
            do { seconds = try DurationParser.parse(delay) } catch { throw JobError.invalidParams("delay: \(error)") }
            guard seconds.isFinite, seconds >= 0, seconds <= Self.maxDelay else {
                throw JobError.invalidParams("delay must be at most 366 days, got \(delay)")
            }
            notBefore = Date().addingTimeInterval(seconds)
        }
        let after = try await waitingFor(options.after ?? [], jobID: jobID)
        let ids = Array(Set(options.after ?? [])).sorted()
        let afterText = ids.isEmpty ? nil : String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)
        let row = JobQueueRow(
            jobID: jobID, groupName: group, label: options.label, after: afterText,
            notBefore: notBefore?.timeIntervalSince1970, command: options.command
        )
        return Admitted(row: row, waitingFor: after, notBefore: notBefore)
    }

    /// The group must exist (`mzt group add NAME`).
    func checkGroup(_ name: String) async throws {
        let known: [JobGroupRow]
        do { known = try await store.registry.groups() } catch { throw JobError.storage("the registry cannot be read: \(error)") }
        guard known.contains(where: { $0.name == name }) else {
            let names = ([JobGroups.defaultGroup] + known.map(\.name)).joined(separator: ", ")
            throw JobError.invalidParams("no group \"\(name)\" (known: \(names)); create it with `mzt group add \(name)`")
        }
    }

    /// Of the jobs to wait for, those that have not completed yet. A job that ended
    /// otherwise, or does not exist, is refused: the new job could never start.
    private func waitingFor(_ ids: [String], jobID: String) async throws -> Set<String> {
        guard ids.count <= Self.maxAfter else { throw JobError.invalidParams("after may name at most \(Self.maxAfter) jobs") }
        var waiting = Set<String>()
        for id in Set(ids) {
            guard id != jobID else { throw JobError.invalidParams("job \(jobID) cannot wait for itself") }
            guard let row = try await store.find(id) else {
                throw JobError.invalidParams("no job \"\(id)\" to wait for; see `mzt list --all`")
            }
            switch row.jobStatus {
            case .completed: continue
            case .failed, .cancelled, .stopped:
                throw JobError.invalidParams("job \(id) ended \(row.status); a job after it could never start (resume it first)")
            case .pending, .running, .paused: waiting.insert(id)
            }
        }
        return waiting
    }

    /// Rebuilds the holds of the jobs that have not ended from their rows (at start): what
    /// they wait for that has not completed. Returns the jobs whose wait can never end.
    func restore() async -> [String] {
        if let rows = try? await store.registry.groups() {
            for row in rows { groups.setLimit(row.name, row.parallel) }
        }
        guard let rows = try? await store.registry.activeQueueRows() else { return [] }
        var doomed: [String] = []
        for row in rows {
            var waiting = Set<String>()
            for id in row.afterIDs {
                let status = (try? await store.find(id))?.jobStatus
                switch status {
                case .completed: continue
                case .pending, .running, .paused: waiting.insert(id)
                case .failed, .cancelled, .stopped, nil: doomed.append(row.jobID)
                }
            }
            groups.register(
                row.jobID, group: row.groupName, after: waiting, notBefore: row.notBefore.map(Date.init(timeIntervalSince1970:))
            )
        }
        return doomed
    }
}
