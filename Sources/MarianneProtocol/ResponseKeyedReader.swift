import Foundation

/// A JSON object read as a keyed container.
struct ResponseKeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: ResponseDecoder.Members
    let codingPath: [any CodingKey]

    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members.value(for: key.stringValue) != nil }

    func node(_ key: Key) throws -> ResponseDecoder.Node {
        guard let node = members.value(for: key.stringValue) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "No value associated with key \(key.stringValue)."))
        }
        return node
    }

    func path(_ key: Key) -> [any CodingKey] { codingPath + [key] }

    func decodeNil(forKey key: Key) throws -> Bool {
        if case .null = try node(key) { return true }
        return false
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try ResponseDecoder.bool(node(key), path: path(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try ResponseDecoder.string(node(key), path: path(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try ResponseDecoder.floating(node(key), path: path(key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try ResponseDecoder.floating(node(key), path: path(key)) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try ResponseDecoder.integer(node(key), path: path(key)) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try ResponseDecoder.integer(node(key), path: path(key)) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try ResponseDecoder.integer(node(key), path: path(key)) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try ResponseDecoder.integer(node(key), path: path(key)) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try ResponseDecoder.integer(node(key), path: path(key)) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try ResponseDecoder.integer(node(key), path: path(key)) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try ResponseDecoder.integer(node(key), path: path(key)) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try ResponseDecoder.integer(node(key), path: path(key)) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try ResponseDecoder.integer(node(key), path: path(key)) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try ResponseDecoder.integer(node(key), path: path(key)) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try ResponseDecoder.decodeValue(T.self, from: node(key), path: path(key))
    }

    // Missing and null both read as nil, without the standard library's generic defaults
    // (nor `Optional.map`, whose unspecialized call instantiates metadata at run time).
    func present(_ key: Key) -> ResponseDecoder.Node? {
        guard let node = members.value(for: key.stringValue) else { return nil }
        if case .null = node { return nil }
        return node
    }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        guard let node = present(key) else { return nil }
        return try ResponseDecoder.bool(node, path: path(key))
    }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        guard let node = present(key) else { return nil }
        return try ResponseDecoder.string(node, path: path(key))
    }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        guard let node = present(key) else { return nil }
        return try ResponseDecoder.floating(node, path: path(key))
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        guard let node = present(key) else { return nil }
        return try ResponseDecoder.integer(node, path: path(key))
    }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? {
        guard let node = present(key) else { return nil }
        return try ResponseDecoder.integer(node, path: path(key))
    }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
        guard let node = present(key) else { return nil }
        return try ResponseDecoder.integer(node, path: path(key))
    }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let node = present(key) else { return nil }
        return try ResponseDecoder.decodeValue(T.self, from: node, path: path(key))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try ResponseTreeDecoder(node: node(key), codingPath: path(key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try ResponseTreeDecoder(node: node(key), codingPath: path(key)).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        ResponseTreeDecoder(node: members.value(for: "super") ?? .null, codingPath: codingPath + [NameKey("super")])
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        ResponseTreeDecoder(node: members.value(for: key.stringValue) ?? .null, codingPath: path(key))
    }
}
