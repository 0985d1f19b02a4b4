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

    /// Calls a method in process, exactly as a socket request would, and decodes its result.
    /// Errors come out as the `RPCError` the socket client would have received.
    public func invoke<P: Codable & Sendable, R: Codable & Sendable>(
        _ method: String, _ params: P, as: R.Type = R.self, context: RequestContext
    ) async throws(RPCError) -> R {
        guard let handler = handler(for: method) else { throw RPCError(.methodNotFound, "method not found: \(method)") }
        let response: RPCResponse<R>
        do {
            let request = try JSONEncoder.wire.encode(RPCRequest(id: .int(1), method: method, params: params))
            let line = try await handler(Array(request), context)
            response = try JSONDecoder.wire.decode(RPCResponse<R>.self, from: Data(line))
        } catch let error as RPCError {
            throw error
        } catch let error as DecodingError {
            throw RPCError(.invalidParams, "invalid params: \(RequestDispatcher.describe(error))")
        } catch {
            throw RPCError(.internalError, "internal error: \(error)")
        }
        if let error = response.error { throw error }
        guard let result = response.result else { throw RPCError(.internalError, "internal error: \(method) gave no result") }
        return result
    }

    public var methods: [String] {
        lock.withLock { handlers.keys.sorted() }
    }
}
