import Foundation

/// Encodes a request's parameters as compact JSON, as `JSONEncoder.wire` would read them
/// back (keys in the order the type encodes them, dates as ISO 8601, `/` unescaped). It
/// does no run-time protocol casts: Foundation's encoder asks of every value whether it is
/// one of its special dictionary or number types, and each first such question about a type
/// scans every conformance record of the binary, a quarter of a short `mzt` command.
/// Non-finite numbers are refused, as by Foundation.
public enum RequestEncoder {
    /// The JSON text of `value`. `sortedKeys`: every object's keys in the order of their
    /// UTF-8 bytes, which makes the text byte for byte what `JSONEncoder.wire` writes (the
    /// conductor's answers are encoded so, at a fraction of Foundation's cost).
    public static func encode<T: Encodable>(_ value: T, sortedKeys: Bool = false) throws -> [UInt8] {
        let root = Node.Box()
        try encodeValue(value, into: root, path: [])
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(root.node ?? .null, to: &out, sortedKeys: sortedKeys)
        return out
    }

    static func encodeValue<T: Encodable>(_ value: T, into box: Node.Box, path: [any CodingKey]) throws {
        if let date = value as? Date {
            box.node = .string(ISO8601.format(date))
            return
        }
        let encoder = TreeEncoder(box: box, codingPath: path)
        try value.encode(to: encoder)
    }

    /// A JSON value under construction: objects keep their keys in order.
    indirect enum Node {
        case null, bool(Bool), number(String), string(String)
        case array(Box.List)
        case object(Box.Members)

        final class Box {
            var node: Node?
            init(_ node: Node? = nil) { self.node = node }

            final class List { var items: [Box] = [] }
            final class Members {
                var keys: [String] = []
                var values: [Box] = []
                func box(for key: String) -> Box {
                    if let index = keys.firstIndex(of: key) { return values[index] }
                    let box = Box()
                    keys.append(key)
                    values.append(box)
                    return box
                }
            }
        }
    }

    static func write(_ node: Node, to out: inout [UInt8], sortedKeys: Bool) {
        switch node {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let text): writeString(text, to: &out)
        case .array(let list):
            out.append(UInt8(ascii: "["))
            for (i, item) in list.items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(item.node ?? .null, to: &out, sortedKeys: sortedKeys)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            var first = true
            var order = Array(members.keys.indices)
            if sortedKeys {
                order.sort { precedes(members.keys[$0], members.keys[$1]) }
            }
            for index in order {
                guard let node = members.values[index].node else { continue }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                writeString(members.keys[index], to: &out)
                out.append(UInt8(ascii: ":"))
                write(node, to: &out, sortedKeys: sortedKeys)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Appends `text` as a JSON string, escaped byte for byte as Foundation's encoder does.
    /// Runs of bytes that need no escape are copied whole (a checkpoint holds its score's
    /// text, an answer every path and message of its jobs).
    public static func writeString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if start < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index])) }
                start = index + 1
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
                case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
                case 0x0A: out.append(contentsOf: #"\n"#.utf8)
                case 0x0D: out.append(contentsOf: #"\r"#.utf8)
                case 0x09: out.append(contentsOf: #"\t"#.utf8)
                case 0x08: out.append(contentsOf: #"\b"#.utf8)
                case 0x0C: out.append(contentsOf: #"\f"#.utf8)
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: #"\u00"#.utf8)
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 0x0F)])
                }
            }
            if start < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...])) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Whether `a` sorts before `b` by their UTF-8 bytes (Foundation's sorted keys).
    static func precedes(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let common = min(x.count, y.count)
                if common > 0, let left = x.baseAddress, let right = y.baseAddress {
                    let order = memcmp(left, right, common)
                    if order != 0 { return order < 0 }
                }
                return x.count < y.count
            }
        }
    }

    /// The JSON text of a finite `value` as Foundation's encoder writes it (`1` for 1.0,
    /// `1e-07`); nil when it is not finite, which JSON cannot hold.
    public static func numberText<T: BinaryFloatingPoint & LosslessStringConvertible>(_ value: T) -> String? {
        guard value.isFinite else { return nil }
        // Swift's shortest text that reads back the same value, without a trailing `.0`.
        var text = String(value)
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    static func number<T: BinaryFloatingPoint & LosslessStringConvertible>(_ value: T, path: [any CodingKey]) throws -> Node {
        guard let text = numberText(value) else {
            throw EncodingError.invalidValue(value, EncodingError.Context(codingPath: path, debugDescription: "\(value) is not valid JSON"))
        }
        return .number(text)
    }
}

/// The `Encoder` behind `RequestEncoder`: each container writes into the box it was given.
private struct TreeEncoder: Encoder {
    let box: RequestEncoder.Node.Box
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let members: RequestEncoder.Node.Box.Members
        if case .object(let existing) = box.node {
            members = existing
        } else {
            members = RequestEncoder.Node.Box.Members()
            box.node = .object(members)
        }
        return KeyedEncodingContainer(KeyedContainer<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let list: RequestEncoder.Node.Box.List
        if case .array(let existing) = box.node {
            list = existing
        } else {
            list = RequestEncoder.Node.Box.List()
            box.node = .array(list)
        }
        return UnkeyedContainer(list: list, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(box: box, codingPath: codingPath)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let members: RequestEncoder.Node.Box.Members
    let codingPath: [any CodingKey]

    func box(_ key: Key) -> RequestEncoder.Node.Box { members.box(for: key.stringValue) }

    mutating func encodeNil(forKey key: Key) throws { box(key).node = .null }
    mutating func encode(_ value: Bool, forKey key: Key) throws { box(key).node = .bool(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { box(key).node = .string(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { box(key).node = try RequestEncoder.number(value, path: codingPath + [key]) }
    mutating func encode(_ value: Float, forKey key: Key) throws { box(key).node = try RequestEncoder.number(value, path: codingPath + [key]) }
    mutating func encode(_ value: Int, forKey key: Key) throws { box(key).node = .number(String(value)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { box(key).node = .number(String(value)) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { box(key).node = .number(String(value)) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { box(key).node = .number(String(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { box(key).node = .number(String(value)) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { box(key).node = .number(String(value)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { box(key).node = .number(String(value)) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { box(key).node = .number(String(value)) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { box(key).node = .number(String(value)) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { box(key).node = .number(String(value)) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try RequestEncoder.encodeValue(value, into: box(key), path: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        TreeEncoder(box: box(key), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        TreeEncoder(box: box(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { TreeEncoder(box: members.box(for: "super"), codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { TreeEncoder(box: box(key), codingPath: codingPath + [key]) }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let list: RequestEncoder.Node.Box.List
    let codingPath: [any CodingKey]
    var count: Int { list.items.count }

    func next() -> RequestEncoder.Node.Box {
        let box = RequestEncoder.Node.Box()
        list.items.append(box)
        return box
    }

    mutating func encodeNil() throws { next().node = .null }
    mutating func encode(_ value: Bool) throws { next().node = .bool(value) }
    mutating func encode(_ value: String) throws { next().node = .string(value) }
    mutating func encode(_ value: Double) throws { next().node = try RequestEncoder.number(value, path: codingPath) }
    mutating func encode(_ value: Float) throws { next().node = try RequestEncoder.number(value, path: codingPath) }
    mutating func encode(_ value: Int) throws { next().node = .number(String(value)) }
    mutating func encode(_ value: Int8) throws { next().node = .number(String(value)) }
    mutating func encode(_ value: Int16) throws { next().node = .number(String(value)) }
    mutating func encode(_ value: Int32) throws { next().node = .number(String(value)) }
    mutating func encode(_ value: Int64) throws { next().node = .number(String(value)) }
    mutating func encode(_ value: UInt) throws { next().node = .number(String(value)) }
    mutating func encode(_ value: UInt8) throws { next().node = .number(String(value)) }
    mutating func encode(_ value: UInt16) throws { next().node = .number(String(value)) }
    mutating func encode(_ value: UInt32) throws { next().node = .number(String(value)) }
    mutating func encode(_ value: UInt64) throws { next().node = .number(String(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        try RequestEncoder.encodeValue(value, into: next(), path: codingPath + [IndexKey(count)])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        TreeEncoder(box: next(), codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        TreeEncoder(box: next(), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { TreeEncoder(box: next(), codingPath: codingPath) }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let box: RequestEncoder.Node.Box
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { box.node = .null }
    mutating func encode(_ value: Bool) throws { box.node = .bool(value) }
    mutating func encode(_ value: String) throws { box.node = .string(value) }
    mutating func encode(_ value: Double) throws { box.node = try RequestEncoder.number(value, path: codingPath) }
    mutating func encode(_ value: Float) throws { box.node = try RequestEncoder.number(value, path: codingPath) }
    mutating func encode(_ value: Int) throws { box.node = .number(String(value)) }
    mutating func encode(_ value: Int8) throws { box.node = .number(String(value)) }
    mutating func encode(_ value: Int16) throws { box.node = .number(String(value)) }
    mutating func encode(_ value: Int32) throws { box.node = .number(String(value)) }
    mutating func encode(_ value: Int64) throws { box.node = .number(String(value)) }
    mutating func encode(_ value: UInt) throws { box.node = .number(String(value)) }
    mutating func encode(_ value: UInt8) throws { box.node = .number(String(value)) }
    mutating func encode(_ value: UInt16) throws { box.node = .number(String(value)) }
    mutating func encode(_ value: UInt32) throws { box.node = .number(String(value)) }
    mutating func encode(_ value: UInt64) throws { box.node = .number(String(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        try RequestEncoder.encodeValue(value, into: box, path: codingPath)
    }
}
