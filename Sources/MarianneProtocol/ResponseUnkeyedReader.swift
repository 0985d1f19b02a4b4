import Foundation

/// A JSON array read as an unkeyed container.
struct ResponseUnkeyedReader: UnkeyedDecodingContainer {
    let items: [ResponseDecoder.Node]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    init(items: [ResponseDecoder.Node], codingPath: [any CodingKey]) {
        self.items = items
        self.codingPath = codingPath
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    /// The next item, taken only when `read` succeeds (as Foundation leaves the index on a
    /// failed decode).
    mutating func next<T>(_ type: T.Type, _ read: (ResponseDecoder.Node, [any CodingKey]) throws -> T) throws -> T {
        let path = codingPath + [IndexKey(currentIndex)]
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(T.self, .init(codingPath: path, debugDescription: "Unkeyed container is at end."))
        }
        let value = try read(items[currentIndex], path)
        currentIndex += 1
        return value
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any?.self, .init(codingPath: codingPath + [IndexKey(currentIndex)], debugDescription: "Unkeyed container is at end."))
        }
        if case .null = items[currentIndex] {
            currentIndex += 1
            return true
        }
        return false
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type) { try ResponseDecoder.bool($0, path: $1) } }
    mutating func decode(_ type: String.Type) throws -> String { try next(type) { try ResponseDecoder.string($0, path: $1) } }
    mutating func decode(_ type: Double.Type) throws -> Double { try next(type) { try ResponseDecoder.floating($0, path: $1) } }
    mutating func decode(_ type: Float.Type) throws -> Float { try next(type) { try ResponseDecoder.floating($0, path: $1) } }
    mutating func decode(_ type: Int.Type) throws -> Int { try next(type) { try ResponseDecoder.integer($0, path: $1) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next(type) { try ResponseDecoder.integer($0, path: $1) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next(type) { try ResponseDecoder.integer($0, path: $1) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next(type) { try ResponseDecoder.integer($0, path: $1) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next(type) { try ResponseDecoder.integer($0, path: $1) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next(type) { try ResponseDecoder.integer($0, path: $1) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next(type) { try ResponseDecoder.integer($0, path: $1) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next(type) { try ResponseDecoder.integer($0, path: $1) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next(type) { try ResponseDecoder.integer($0, path: $1) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next(type) { try ResponseDecoder.integer($0, path: $1) } }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try next(type) { try ResponseDecoder.decodeValue(T.self, from: $0, path: $1) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next(KeyedDecodingContainer<NestedKey>.self) { try ResponseTreeDecoder(node: $0, codingPath: $1).container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next((any UnkeyedDecodingContainer).self) { try ResponseTreeDecoder(node: $0, codingPath: $1).unkeyedContainer() }
    }

    mutating func superDecoder() throws -> any Decoder {
        try next((any Decoder).self) { ResponseTreeDecoder(node: $0, codingPath: $1) }
    }
}
