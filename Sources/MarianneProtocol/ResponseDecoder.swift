import Foundation

/// Decodes one line of the conductor's JSON, as `JSONDecoder.wire` would, for the client.
/// Like `RequestEncoder` it does no run-time protocol casts: Foundation's decoder asks of
/// every type it decodes whether it is one of its special dictionary types, and each first
/// such question scans every conformance record of the binary, about a tenth of a short
/// `mzt` command. Dates are read as ISO 8601 strings; an integer type accepts a number
/// written with a fraction or exponent only when its value is a whole number in range.
public enum ResponseDecoder {
    /// Nesting deeper than this is refused, as Foundation refuses it.
    public static let maxDepth = 512

    /// The value of type `T` that `bytes` (one JSON text) holds.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        var parser = Parser(bytes: bytes)
        let node = try parser.document()
        return try decodeValue(T.self, from: node, path: [])
    }

    static func decodeValue<T: Decodable>(_ type: T.Type, from node: Node, path: [any CodingKey]) throws -> T {
        if T.self == Date.self {
            return unsafeBitCast(try date(node, path: path), to: T.self)
        }
        if T.self == [String: Int].self {
            return unsafeBitCast(try integers(node, path: path), to: T.self)
        }
        // Read field by field; one that does not read is decoded again through the
        // containers, so that its error is the one `Decodable` gives (which of two missing
        // fields it names, for one).
        do {
            if T.self == JobSummary.self { return unsafeBitCast(try JobSummary(node: node, path: path), to: T.self) }
            if T.self == [JobSummary].self { return unsafeBitCast(try summaries(node, path: path), to: T.self) }
            if T.self == JobStatusResult.self { return unsafeBitCast(try JobStatusResult(node: node, path: path), to: T.self) }
            if T.self == ConductorStatusResult.self { return unsafeBitCast(try ConductorStatusResult(node: node, path: path), to: T.self) }
        } catch {}
        return try T(from: ResponseTreeDecoder(node: node, codingPath: path))
    }

    /// An object of integers (a count by status, a cursor by stream), read directly: the
    /// standard library's dictionary decoding casts its keys at run time, and in a fresh
    /// process each first cast of a type searches the binary's conformance tables (a third
    /// of what `mzt conductor-status` executed).
    static func integers(_ node: Node, path: [any CodingKey]) throws -> [String: Int] {
        guard case .object(let members) = node else { throw mismatch([String: Int].self, node, path) }
        var result: [String: Int] = [:]
        result.reserveCapacity(members.keys.count)
        for key in members.keys where result[key] == nil {
            guard let value = members.value(for: key) else { continue }
            result[key] = try integer(value, path: path + [NameKey(key)])
        }
        return result
    }

    /// A parsed JSON value: numbers keep their text until a type asks for them. Not
    /// `indirect`: arrays and members are already stored out of line, and a box per value
    /// made freeing a listing's tree cost a third of `mzt list`.
    enum Node {
        case null, bool(Bool), number(String), string(String)
        case array([Node])
        case object(Members)

        var kind: String {
            switch self {
            case .null: return "null"
            case .bool: return "a boolean"
            case .number: return "a number"
            case .string: return "a string"
            case .array: return "an array"
            case .object: return "an object"
            }
        }
    }

    /// An object's members in their order; the first of repeated keys is the one read.
    struct Members {
        var keys: [String] = []
        var values: [Node] = []
        /// Built for large objects only, where a scan per key would add up.
        var index: [String: Int]?

        func value(for key: String) -> Node? {
            if let index { return index[key].map { values[$0] } }
            for (i, candidate) in keys.enumerated() where candidate == key { return values[i] }
            return nil
        }

        /// An index pays only for large objects: a summary's 22 keys cost more to hash than
        /// to compare.
        mutating func finish() {
            guard keys.count > 32 else { return }
            var built: [String: Int] = [:]
            built.reserveCapacity(keys.count)
            for (i, key) in keys.enumerated() where built[key] == nil { built[key] = i }
            index = built
        }
    }

    static func mismatch(_ expected: Any.Type, _ node: Node, _ path: [any CodingKey]) -> DecodingError {
        if case .null = node {
            return DecodingError.valueNotFound(expected, .init(codingPath: path, debugDescription: "expected \(expected) but found null"))
        }
        return DecodingError.typeMismatch(expected, .init(codingPath: path, debugDescription: "expected \(expected) but found \(node.kind)"))
    }

    static func integer<T: FixedWidthInteger>(_ node: Node, path: [any CodingKey]) throws -> T {
        guard case .number(let text) = node else { throw mismatch(T.self, node, path) }
        if let value = T(text) { return value }
        if let double = Double(text), double.isFinite, let value = T(exactly: double) { return value }
        throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "number \(text) does not fit in \(T.self)"))
    }

    static func floating<T: BinaryFloatingPoint & LosslessStringConvertible>(_ node: Node, path: [any CodingKey]) throws -> T {
        guard case .number(let text) = node else { throw mismatch(T.self, node, path) }
        guard let value = T(text), value.isFinite else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "number \(text) does not fit in \(T.self)"))
        }
        return value
    }

    static func bool(_ node: Node, path: [any CodingKey]) throws -> Bool {
        guard case .bool(let value) = node else { throw mismatch(Bool.self, node, path) }
        return value
    }

    static func string(_ node: Node, path: [any CodingKey]) throws -> String {
        guard case .string(let value) = node else { throw mismatch(String.self, node, path) }
        return value
    }
}
