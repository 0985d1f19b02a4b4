import Foundation
import MarianneProtocol

/// Maps method names to handlers. A handler gets its params decoded (and, for
/// `ValidatedParams`, range-checked), does the work, and returns a result or throws: an
/// `RPCError` goes out as it is, a `JobError` through `RPCError(job:)`, a `DecodingError` as
/// -32602, anything else as -32603.
public final class MethodTable: @unchecked Sendable {
    public typealias Handler = @Sendable (_ request: [UInt8], _ context: RequestContext) async throws -> [UInt8]

    private let lock = NSLock()
    private var handlers: [String: Handler] = [:]

    public init() {}

    /// Registers `method`; missing params decode as `{}`.
    public func register<P: Codable & Sendable, R: Codable & Sendable>(
        _ method: RPCMethodDescriptor<P, R>,
        _ body: @escaping @Sendable (P, RequestContext) async throws -> R
    ) {
        let handler: Handler = { line, context in
            // The client's decoder: what Foundation's wire decoder reads, failing alike (a
            // differential test), without its run-time casts of every value.
            let request = try ResponseDecoder.decode(RPCRequest<P>.self, from: line)
            let params: P
            if let given = request.params {
                params = given
            } else {
                params = try ResponseDecoder.decode(P.self, from: Array("{}".utf8))
            }
            if let checked = params as? ValidatedParams { try checked.validate() }
            let result: R
            do {
                result = try await body(params, context)
            } catch let error as JobError {
                throw RPCError(job: error)
            }
            // What JSONEncoder.wire writes, byte for byte, without Foundation's run-time casts
            // of every value (about 100,000 instructions per job of a listing).
            return try RequestEncoder.encode(RPCResponse(id: request.id, result: result), sortedKeys: true)
        }
        lock.withLock { handlers[method.name] = handler }
    }

    public func handler(for method: String) -> Handler? {
        lock.withLock { handlers[method] }
    }

    /// Calls a method in process, exactly as a socket request would, and decodes its result.
    /// Errors come out as the `RPCError` the socket client would have received.
    public func invoke<P: Codable & Sendable, R: Codable & Sendable>(
        _ method: RPCMethodDescriptor<P, R>, _ params: P, context: RequestContext
    ) async throws(RPCError) -> R {
        try await invoke(method.name, params, as: R.self, context: context)
    }

    /// The same by name (methods declared outside MarianneProtocol).
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
