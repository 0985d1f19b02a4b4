import Foundation

extension ResponseDecoder {
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

        /// Steps over `ascii` when it is the next byte.
        mutating func take(_ ascii: Unicode.Scalar) -> Bool {
            guard at < bytes.count, bytes[at] == UInt8(ascii: ascii) else { return false }
            at += 1
            return true
        }

        mutating func object() throws -> Node {
            try enter()
            defer { depth -= 1 }
            at += 1
            var members = Members()
            skipSpace()
            if take("}") { return .object(members) }
            while true {
                skipSpace()
                // A comma before the closing brace is allowed, as Foundation allows it.
                if !members.keys.isEmpty, take("}") {
                    members.finish()
                    return .object(members)
                }
                guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw corrupt("expected a key") }
                let key = try string()
                skipSpace()
                guard take(":") else { throw corrupt("expected ':'") }
                let member = try value()
                members.keys.append(key)
                members.values.append(member)
                skipSpace()
                guard at < bytes.count else { throw corrupt("unexpected end") }
                if take("}") {
                    members.finish()
                    return .object(members)
                }
                guard take(",") else { throw corrupt("expected ',' or '}'") }
            }
        }

        mutating func array() throws -> Node {
            try enter()
            defer { depth -= 1 }
            at += 1
            var items: [Node] = []
            skipSpace()
            if take("]") { return .array(items) }
            while true {
                skipSpace()
                if !items.isEmpty, take("]") { return .array(items) }
                items.append(try value())
                skipSpace()
                guard at < bytes.count else { throw corrupt("unexpected end") }
                if take("]") { return .array(items) }
                guard take(",") else { throw corrupt("expected ',' or ']'") }
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
            var high: UInt8 = 0
            while at < bytes.count, bytes[at] != UInt8(ascii: "\""), bytes[at] != UInt8(ascii: "\\"), bytes[at] >= 0x20 {
                high |= bytes[at]
                at += 1
            }
            guard at < bytes.count else { throw corrupt("unterminated string") }
            if bytes[at] == UInt8(ascii: "\"") {
                at += 1
                // ASCII is valid UTF-8: made without the generic validation (a metadata lookup
                // and a thousand instructions a string).
                if high < 0x80 { return String(decoding: bytes[start..<at - 1], as: UTF8.self) }
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
