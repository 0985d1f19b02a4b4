import Foundation
import MarianneProtocol

/// Who is on the other end of a connection (from SO_PEERCRED).
public struct PeerCredentials: Sendable, Equatable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }
}

/// Writes lines back to the client of one connection; used for stream notifications.
public protocol LineWriter: Sendable {
    /// Writes one JSON line (the newline is added). Throws once the client has gone.
    func write(line: [UInt8]) async throws
}

/// What a method handler knows about the request it serves.
public struct RequestContext: Sendable {
    public var peer: PeerCredentials?
    public var writer: LineWriter

    public init(peer: PeerCredentials?, writer: LineWriter) {
        self.peer = peer
        self.writer = writer
    }

    /// Sends a notification (a line with no id) before the final response.
    public func notify<P: Codable & Sendable>(method: String, params: P) async throws {
        try await writer.write(line: RequestEncoder.encode(RPCNotification(method: method, params: params), sortedKeys: true))
    }
}
