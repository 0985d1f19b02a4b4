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
        let data = try JSONEncoder.wire.encode(RPCNotification(method: method, params: params))
        try await writer.write(line: Array(data))
    }
}

/// Maps method names to handlers. Handlers decode their params, do the work, and return a
/// result or throw an `RPCError` (a `DecodingError` becomes -32602, anything else -32603).
public final class Router: @unchecked Sendable {
    public typealias Handler = @Sendable (_ request: [UInt8], _ context: RequestContext) async throws -> [UInt8]

    private let lock = NSLock()
    private var handlers: [String: Handler] = [:]

    public init() {}

    /// Registers `method`; missing params decode as `{}`.
    public func register<P: Codable & Sendable, R: Codable & Sendable>(
        _ method: String, _ params: P.Type = P.self,
        _ body: @escaping @Sendable (P, RequestContext) async throws -> R
    ) {
        let handler: Handler = { line, context in
            let request = try JSONDecoder.wire.decode(RPCRequest<P>.self, from: Data(line))
            let params: P
            if let given = request.params {
                params = given
            } else {
                params = try JSONDecoder.wire.decode(P.self, from: Data("{}".utf8))
            }
            let result = try await body(params, context)
            return Array(try JSONEncoder.wire.encode(RPCResponse(id: request.id, result: result)))
        }
        lock.withLock { handlers[method] = handler }
    }

    public func handler(for method: String) -> Handler? {
        lock.withLock { handlers[method] }
    }

    public var methods: [String] {
        lock.withLock { handlers.keys.sorted() }
    }
}
