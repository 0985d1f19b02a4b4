import Foundation
import Logging
import MarianneProtocol
import NIOCore

/// Turns one request line into one response line (or none, for a notification).
struct RequestDispatcher: Sendable {
    let methods: MethodTable
    let logger: Logger

    /// What every request line is checked for before its method runs.
    struct Head: Decodable {
        var jsonrpc: String?
        var id: RPCID?
        var method: String?
    }

    func answer(_ frame: Frame, context: RequestContext) async -> [UInt8]? {
        guard case .line(let buffer) = frame else {
            return encode(nil, RPCError(.invalidRequest, "request line exceeds the size limit; send smaller requests"))
        }
        let bytes = Array(buffer.readableBytesView)
        if bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return nil }
        let head: Head
        do {
            head = try ResponseDecoder.decode(Head.self, from: bytes)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            return encode(nil, RPCError(.parseError, "parse error: the line is not valid JSON"))
        } catch {
            return encode(nil, RPCError(.invalidRequest, "invalid request: expected a JSON object with \"jsonrpc\": \"2.0\", \"method\" and optional \"id\" and \"params\""))
        }
        guard head.jsonrpc == "2.0" else {
            return encode(head.id, RPCError(.invalidRequest, "invalid request: \"jsonrpc\" must be \"2.0\""))
        }
        guard let method = head.method, !method.isEmpty else {
            return encode(head.id, RPCError(.invalidRequest, "invalid request: \"method\" is missing"))
        }
        guard let handler = methods.handler(for: method) else {
            return head.id == nil ? nil : encode(head.id, RPCError(.methodNotFound, "method not found: \(method)"))
        }
        do {
            let response = try await handler(bytes, context)
            return head.id == nil ? nil : response
        } catch let error as RPCError {
            return head.id == nil ? nil : encode(head.id, error)
        } catch is CancellationError {
            return nil
        } catch let error as DecodingError {
            return head.id == nil ? nil : encode(head.id, RPCError(.invalidParams, "invalid params: \(Self.describe(error))"))
        } catch {
            logger.error("request failed", metadata: ["method": "\(method)", "error": "\(error)"])
            return head.id == nil ? nil : encode(head.id, RPCError(.internalError, "internal error: \(error)"))
        }
    }

    private func encode(_ id: RPCID?, _ error: RPCError) -> [UInt8] {
        (try? Array(JSONEncoder.wire.encode(RPCResponse<Empty>(id: id, error: error))))
            ?? Array(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"internal error"}}"#.utf8)
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            let parts = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.filter { $0 != "params" }
            return parts.isEmpty ? "params" : parts.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing \(path(context.codingPath + [key]))"
        case .typeMismatch(let type, let context): return "\(path(context.codingPath)) must be \(Self.typeName(type))"
        case .valueNotFound(let type, let context): return "\(path(context.codingPath)) must be \(Self.typeName(type)), not null"
        case .dataCorrupted(let context): return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        let name = "\(type)"
        if name.hasPrefix("Int") { return "an integer" }
        if name == "Double" { return "a number" }
        if name == "String" { return "a string" }
        if name == "Bool" { return "a boolean" }
        if name.hasPrefix("Array") { return "a list" }
        if name.hasPrefix("Dictionary") { return "an object" }
        return "a valid value"
    }
}
