import Foundation

/// One JSON value read as a single-value container.
struct ResponseSingleReader: SingleValueDecodingContainer {
    let node: ResponseDecoder.Node
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool {
        if case .null = node { return true }
        return false
    }

    func decode(_ type: Bool.Type) throws -> Bool { try ResponseDecoder.bool(node, path: codingPath) }
    func decode(_ type: String.Type) throws -> String { try ResponseDecoder.string(node, path: codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try ResponseDecoder.floating(node, path: codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try ResponseDecoder.floating(node, path: codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try ResponseDecoder.integer(node, path: codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try ResponseDecoder.integer(node, path: codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try ResponseDecoder.integer(node, path: codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try ResponseDecoder.integer(node, path: codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try ResponseDecoder.integer(node, path: codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try ResponseDecoder.integer(node, path: codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try ResponseDecoder.integer(node, path: codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try ResponseDecoder.integer(node, path: codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try ResponseDecoder.integer(node, path: codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try ResponseDecoder.integer(node, path: codingPath) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try ResponseDecoder.decodeValue(T.self, from: node, path: codingPath) }
}
