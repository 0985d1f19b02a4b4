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
            guard case .string(let text) = node else { throw mismatch(String.self, node, path) }
            guard let date = ISO8601.parse(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "not an ISO 8601 date: \(text)"))
            }
            return unsafeBitCast(date, to: T.self)
        }
        return try T(from: TreeDecoder(node: node, codingPath: path))
    }

    /// A parsed JSON value: numbers keep their text until a type asks for them.
    indirect enum Node {
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

        mutating func finish() {
            guard keys.count > 12 else { return }
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

    /// A JSON (RFC 8259) reader over bytes that, like Foundation's, also takes a comma before a
    /// closing bracket or brace.
    struct Parser {
        let bytes: [UInt8]
        var at = 0
        var depth = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func document() throws -> Node {
            let node = try value()
            skipSpace()
            guard at == bytes.count else { throw corrupt("unexpected text after the JSON value") }
            return node
        }

        func corrupt(_ what: String) -> DecodingError {
            DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "The given data was not valid JSON: \(what) at byte \(at)."))
        }

        mutating func skipSpace() {
            while at < bytes.count {
                switch bytes[at] {
                case 0x20, 0x09, 0x0A, 0x0D: at += 1
                default: return
                }
            }
        }

        mutating func literal(_ word: StaticString, _ node: Node) throws -> Node {
            let count = word.utf8CodeUnitCount
            guard at + count <= bytes.count else { throw corrupt("unexpected end") }
            for i in 0..<count where bytes[at + i] != word.utf8Start[i] { throw corrupt("unexpected character") }
            at += count
            return node
        }

        mutating func value() throws -> Node {
            skipSpace()
            guard at < bytes.count else { throw corrupt("unexpected end") }
            switch bytes[at] {
            case UInt8(ascii: "{"): return try object()
            case UInt8(ascii: "["): return try array()
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: throw corrupt("unexpected character")
            }
        }

        mutating func enter() throws {
            depth += 1
            guard depth <= ResponseDecoder.maxDepth else { throw corrupt("too many nested arrays or objects") }
        }

        mutating func object() throws -> Node {
            try enter()
            defer { depth -= 1 }
            at += 1
            var members = Members()
            skipSpace()
            if at < bytes.count, bytes[at] == UInt8(ascii: "}") {
                at += 1
                return .object(members)
            }
            while true {
                skipSpace()
                // A comma before the closing brace is allowed, as Foundation allows it.
                if at < bytes.count, bytes[at] == UInt8(ascii: "}"), !members.keys.isEmpty {
                    at += 1
                    members.finish()
                    return .object(members)
                }
                guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw corrupt("expected a key") }
                let key = try string()
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { throw corrupt("expected ':'") }
                at += 1
                let member = try value()
                members.keys.append(key)
                members.values.append(member)
                skipSpace()
                guard at < bytes.count else { throw corrupt("unexpected end") }
                if bytes[at] == UInt8(ascii: ",") {
                    at += 1
                } else if bytes[at] == UInt8(ascii: "}") {
                    at += 1
                    members.finish()
                    return .object(members)
                } else {
                    throw corrupt("expected ',' or '}'")
                }
            }
        }

        mutating func array() throws -> Node {
            try enter()
            defer { depth -= 1 }
            at += 1
            var items: [Node] = []
            skipSpace()
            if at < bytes.count, bytes[at] == UInt8(ascii: "]") {
                at += 1
                return .array(items)
            }
            while true {
                skipSpace()
                if at < bytes.count, bytes[at] == UInt8(ascii: "]"), !items.isEmpty {
                    at += 1
                    return .array(items)
                }
                items.append(try value())
                skipSpace()
                guard at < bytes.count else { throw corrupt("unexpected end") }
                if bytes[at] == UInt8(ascii: ",") {
                    at += 1
                } else if bytes[at] == UInt8(ascii: "]") {
                    at += 1
                    return .array(items)
                } else {
                    throw corrupt("expected ',' or ']'")
                }
            }
        }

        mutating func number() throws -> Node {
            let start = at
            func digits() -> Int {
                let from = at
                while at < bytes.count, bytes[at] >= UInt8(ascii: "0"), bytes[at] <= UInt8(ascii: "9") { at += 1 }
                return at - from
            }
            if bytes[at] == UInt8(ascii: "-") { at += 1 }
            let leading = at
            guard digits() > 0 else { throw corrupt("expected a digit") }
            if bytes[leading] == UInt8(ascii: "0"), at - leading > 1 { throw corrupt("a number with a leading zero") }
            if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
                at += 1
                guard digits() > 0 else { throw corrupt("expected a digit after '.'") }
            }
            if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
                at += 1
                if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
                guard digits() > 0 else { throw corrupt("expected a digit in the exponent") }
            }
            return .number(String(decoding: bytes[start..<at], as: UTF8.self))
        }

        mutating func hex4() throws -> UInt32 {
            guard at + 4 <= bytes.count else { throw corrupt("unexpected end in \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[at]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw corrupt("invalid \\u escape")
                }
                value = value << 4 | UInt32(digit)
                at += 1
            }
            return value
        }

        mutating func string() throws -> String {
            at += 1
            let start = at
            // The common case: no escapes, read in one piece.
            while at < bytes.count, bytes[at] != UInt8(ascii: "\""), bytes[at] != UInt8(ascii: "\\"), bytes[at] >= 0x20 { at += 1 }
            guard at < bytes.count else { throw corrupt("unterminated string") }
            if bytes[at] == UInt8(ascii: "\"") {
                at += 1
                return try text(bytes[start..<at - 1])
            }
            var out = Array(bytes[start..<at])
            while true {
                guard at < bytes.count else { throw corrupt("unterminated string") }
                let byte = bytes[at]
                if byte == UInt8(ascii: "\"") {
                    at += 1
                    return try text(out[...])
                }
                guard byte >= 0x20 else { throw corrupt("a control character in a string") }
                guard byte == UInt8(ascii: "\\") else {
                    out.append(byte)
                    at += 1
                    continue
                }
                at += 1
                guard at < bytes.count else { throw corrupt("unterminated string") }
                let escape = bytes[at]
                at += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard at + 2 <= bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else {
                            throw corrupt("a lone surrogate in a \\u escape")
                        }
                        at += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw corrupt("a lone surrogate in a \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw corrupt("a lone surrogate in a \\u escape")
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw corrupt("invalid \\u escape") }
                    out.append(contentsOf: String(Character(unicode)).utf8)
                default: throw corrupt("invalid escape")
                }
            }
        }

        /// Valid UTF-8 only, as Foundation requires.
        func text(_ slice: ArraySlice<UInt8>) throws -> String {
            guard let value = String(validating: slice, as: UTF8.self) else { throw corrupt("invalid UTF-8 in a string") }
            return value
        }
    }
}

/// The `Decoder` behind `ResponseDecoder`: each container reads the node it was given.
private struct TreeDecoder: Decoder {
    let node: ResponseDecoder.Node
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = node else { throw ResponseDecoder.mismatch([String: Any].self, node, codingPath) }
        return KeyedDecodingContainer(KeyedReader<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = node else { throw ResponseDecoder.mismatch([Any].self, node, codingPath) }
        return UnkeyedReader(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleReader(node: node, codingPath: codingPath)
    }
}

private struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct NameKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

private struct KeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
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
        try TreeDecoder(node: node(key), codingPath: path(key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try TreeDecoder(node: node(key), codingPath: path(key)).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        TreeDecoder(node: members.value(for: "super") ?? .null, codingPath: codingPath + [NameKey("super")])
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        TreeDecoder(node: members.value(for: key.stringValue) ?? .null, codingPath: path(key))
    }
}

private struct UnkeyedReader: UnkeyedDecodingContainer {
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
        try next(KeyedDecodingContainer<NestedKey>.self) { try TreeDecoder(node: $0, codingPath: $1).container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next((any UnkeyedDecodingContainer).self) { try TreeDecoder(node: $0, codingPath: $1).unkeyedContainer() }
    }

    mutating func superDecoder() throws -> any Decoder {
        try next((any Decoder).self) { TreeDecoder(node: $0, codingPath: $1) }
    }
}

private struct SingleReader: SingleValueDecodingContainer {
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
