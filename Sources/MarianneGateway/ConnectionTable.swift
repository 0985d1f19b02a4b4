import Foundation
import NIOCore

/// One accepted gateway connection, from accept to close.
final class ConnectionRecord: @unchecked Sendable {
    let peer: String
    /// Written under the table's lock.
    fileprivate(set) var authenticated = false
    /// The WebSocket upgrade on this connection was refused for want of the token.
    fileprivate(set) var upgradeUnauthorized = false

    init(peer: String) {
        self.peer = peer
    }
}

/// Every open gateway connection, counted per peer address until it authenticates, so one
/// local user cannot hold the gateway (or the conductor's descriptors) without the token.
final class ConnectionTable: @unchecked Sendable {
    enum Admission {
        case admitted(ConnectionRecord)
        case refused(String)
    }

    let limits: GatewayLimits
    private let lock = NSLock()
    private var records: [ObjectIdentifier: ConnectionRecord] = [:]
    private var unauthenticatedByPeer: [String: Int] = [:]
    private var unauthenticated = 0

    init(limits: GatewayLimits) {
        self.limits = limits
    }

    /// Admits a new connection, unauthenticated, or says why not.
    func admit(_ channel: any Channel) -> Admission {
        let peer = channel.remoteAddress?.ipAddress ?? "unknown"
        let free = FileDescriptorBudget.free()
        if free < limits.fdReserve {
            return .refused("only \(free) file descriptors free (the reserve is \(limits.fdReserve))")
        }
        return lock.withLock {
            if unauthenticated >= limits.maxUnauthenticated {
                return .refused("\(unauthenticated) connections without the token already (limit \(limits.maxUnauthenticated))")
            }
            if unauthenticatedByPeer[peer, default: 0] >= limits.maxUnauthenticatedPerPeer {
                return .refused("\(peer) has \(limits.maxUnauthenticatedPerPeer) connections without the token already")
            }
            let record = ConnectionRecord(peer: peer)
            records[ObjectIdentifier(channel)] = record
            unauthenticatedByPeer[peer, default: 0] += 1
            unauthenticated += 1
            return .admitted(record)
        }
    }

    /// A request on `channel` carried the token: the connection no longer counts against the
    /// unauthenticated limits and no longer has the header deadline.
    func authenticate(_ channel: any Channel) {
        lock.withLock {
            guard let record = records[ObjectIdentifier(channel)], !record.authenticated else { return }
            record.authenticated = true
            release(record.peer)
        }
    }

    /// The WebSocket upgrade on `channel` lacked the token (it is answered 401, not 400).
    func refuseUpgrade(_ channel: any Channel) {
        lock.withLock { records[ObjectIdentifier(channel)]?.upgradeUnauthorized = true }
    }

    func isAuthenticated(_ record: ConnectionRecord) -> Bool {
        lock.withLock { record.authenticated }
    }

    func upgradeUnauthorized(_ record: ConnectionRecord) -> Bool {
        lock.withLock { record.upgradeUnauthorized }
    }

    func closed(_ channel: any Channel) {
        lock.withLock {
            guard let record = records.removeValue(forKey: ObjectIdentifier(channel)), !record.authenticated else { return }
            release(record.peer)
        }
    }

    /// Connections not yet authenticated (for tests and logs).
    var unauthenticatedCount: Int { lock.withLock { unauthenticated } }

    private func release(_ peer: String) {
        unauthenticated -= 1
        let left = unauthenticatedByPeer[peer, default: 1] - 1
        unauthenticatedByPeer[peer] = left > 0 ? left : nil
    }
}

/// How many file descriptors this process has left under its soft limit.
enum FileDescriptorBudget {
    static func free() -> Int {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return Int.max }
        switch openCount() {
        case .success(let open): return Int(clamping: limit.rlim_cur) - open
        case .failure(let error): return error.code == .EMFILE || error.code == .ENFILE ? 0 : Int.max
        }
    }

    /// Entries of /proc/self/fd, the directory's own descriptor not counted. Failing to open
    /// it with EMFILE means none is left; without /proc the count is unknown.
    static func openCount() -> Result<Int, POSIXError> {
        guard let directory = opendir("/proc/self/fd") else {
            return .failure(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
        }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            if entry.pointee.d_name.0 != 46 { count += 1 }  // not "." or ".."
        }
        return .success(count - 1)
    }
}
