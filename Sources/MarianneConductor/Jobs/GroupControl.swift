import Foundation
import MarianneProtocol

/// `group.list`, `group.add`, `group.remove` and `group.parallel`: queue groups and how
/// many of their jobs may run at once. Named groups are kept in the registry; the `default`
/// group's parallelism is `max_concurrent_jobs` at each start, and `group.parallel` changes
/// it until the conductor stops. A change takes effect at once: the queue looks again.
struct GroupControl: Sendable {
    let store: JobStore
    let queue: JobQueue

    static let maxGroups = 1000

    func list() async throws -> GroupListResult {
        let groups = queue.groups
        let live = await queue.runningIDs
        let pending = await queue.pendingIDs
        var running: [String: Int] = [:]
        var waiting: [String: Int] = [:]
        for id in live { running[groups.group(of: id), default: 0] += 1 }
        for id in pending { waiting[groups.group(of: id), default: 0] += 1 }
        let infos = groups.allLimits.sorted { ($0.key == JobGroups.defaultGroup ? "" : $0.key) < ($1.key == JobGroups.defaultGroup ? "" : $1.key) }.map { name, limit in
            GroupInfo(name: name, parallel: limit, running: running[name] ?? 0, pending: waiting[name] ?? 0)
        }
        return GroupListResult(groups: infos)
    }

    func add(_ params: GroupParams) async throws -> GroupListResult {
        let name = try Self.checkName(params.name)
        guard name != JobGroups.defaultGroup else { throw JobError.invalidParams("the default group always exists; change it with `mzt parallel N`") }
        let known = try await registryGroups()
        guard !known.contains(where: { $0.name == name }) else {
            throw JobError.invalidParams("group \(name) exists; change its parallelism with `mzt parallel N --group \(name)`")
        }
        guard known.count < Self.maxGroups else { throw JobError.invalidParams("at most \(Self.maxGroups) groups") }
        let parallel = params.parallel ?? 1
        do { try await store.registry.saveGroup(JobGroupRow(name: name, parallel: parallel)) } catch {
            throw JobError.storage("the registry cannot be written: \(error)")
        }
        queue.groups.setLimit(name, parallel)
        return try await list()
    }

    func remove(_ params: GroupParams) async throws -> GroupListResult {
        let name = try Self.checkName(params.name)
        guard name != JobGroups.defaultGroup else { throw JobError.invalidParams("the default group cannot be removed") }
        let members = queue.groups.members(of: name)
        guard members.isEmpty else {
            throw JobError.invalidParams("group \(name) has jobs that have not ended (\(members.sorted().prefix(5).joined(separator: ", "))); wait for them or cancel them first")
        }
        let removed: Bool
        do { removed = try await store.registry.deleteGroup(name) } catch { throw JobError.storage("the registry cannot be written: \(error)") }
        guard removed else { throw JobError.invalidParams("no group \"\(name)\"") }
        queue.groups.removeGroup(name)
        return try await list()
    }

    func parallel(_ params: GroupParams) async throws -> GroupListResult {
        guard let parallel = params.parallel else { throw JobError.invalidParams("group.parallel needs parallel (1-10000)") }
        let name = try params.name.map { try Self.checkName($0) } ?? JobGroups.defaultGroup
        if name != JobGroups.defaultGroup {
            guard try await registryGroups().contains(where: { $0.name == name }) else {
                throw JobError.invalidParams("no group \"\(name)\"; create it with `mzt group add \(name) --parallel \(parallel)`")
            }
            do { try await store.registry.saveGroup(JobGroupRow(name: name, parallel: parallel)) } catch {
                throw JobError.storage("the registry cannot be written: \(error)")
            }
        }
        queue.groups.setLimit(name, parallel)
        await queue.redispatch()
        return try await list()
    }

    private func registryGroups() async throws -> [JobGroupRow] {
        do { return try await store.registry.groups() } catch { throw JobError.storage("the registry cannot be read: \(error)") }
    }

    /// 1-64 letters, digits, `.`, `_` or `-`.
    static func checkName(_ name: String?) throws -> String {
        guard let name, !name.isEmpty else { throw JobError.invalidParams("a group needs a name") }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard name.count <= 64, !name.hasPrefix("."), name.allSatisfy(allowed.contains) else {
            throw JobError.invalidParams("invalid group name \"\(name)\": use 1-64 letters, digits, '.', '_' or '-'")
        }
        return name
    }
}
