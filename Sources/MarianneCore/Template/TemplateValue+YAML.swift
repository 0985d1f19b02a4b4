import BigInt
import Foundation
import Yams

extension TemplateValue {
    /// The value PyYAML's `safe_load` gives for `node`: YAML 1.1 booleans (`yes`, `no`,
    /// `on`, `off`), integers with `0x`, `0o`, `0b`, `0` octal and `_`, floats with `.inf`
    /// and `.nan`, `~` and `null` for None, mappings in their order. Timestamps stay strings.
    /// Throws a `TemplateError` for keys Python cannot hash (lists, mappings), integers
    /// of more than 4,300 digits, and nesting deeper than `maxDepth`.
    public init(yaml node: Node, maxDepth: Int = 32) throws {
        self = try Self.convert(node, depth: 0, maxDepth: maxDepth)
    }

    private static func failure(_ message: String, _ node: Node) -> TemplateError {
        TemplateError(kind: .type, message: message, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    private static func convert(_ node: Node, depth: Int, maxDepth: Int) throws -> TemplateValue {
        guard depth < maxDepth else { throw failure("values are nested more than \(maxDepth) deep", node) }
        switch node {
        case .scalar(let scalar):
            return try scalarValue(scalar, node)
        case .sequence(let sequence):
            return .list(try sequence.map { try convert($0, depth: depth + 1, maxDepth: maxDepth) })
        case .mapping(let mapping):
            var map = TemplateMap()
            for (key, value) in mapping {
                if case .scalar(let scalar) = key, scalar.tag.rawValue == "tag:yaml.org,2002:merge" || (scalar.style == .plain && scalar.string == "<<") {
                    for source in (value.sequence.map(Array.init) ?? [value]) {
                        if case .map(let merged) = try convert(source, depth: depth + 1, maxDepth: maxDepth) {
                            for (mergedKey, mergedValue) in zip(merged.keys, merged.values) where map[mergedKey] == nil {
                                map[mergedKey] = mergedValue
                            }
                        }
                    }
                    continue
                }
                let keyValue = try convert(key, depth: depth + 1, maxDepth: maxDepth)
                guard TemplateMap.isHashable(keyValue) else { throw failure("a mapping key cannot be a \(keyValue.pythonTypeName)", key) }
                map[keyValue] = try convert(value, depth: depth + 1, maxDepth: maxDepth)
            }
            return .map(map)
        case .alias:
            return .null
        }
    }

    private static func scalarValue(_ scalar: Node.Scalar, _ node: Node) throws -> TemplateValue {
        let text = scalar.string
        // Quoted scalars are strings; plain ones resolve as PyYAML's YAML 1.1 rules say
        // (explicit tags other than the defaults are not looked at).
        if scalar.style != .plain { return .string(text) }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": return .bool(true)
        case "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .double(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
        case ".nan", ".NaN", ".NAN": return .double(.nan)
        default: break
        }
        if let integer = try yamlInteger(text, node) { return integer }
        if let number = yamlFloat(text) { return .double(number) }
        return .string(text)
    }

    /// PyYAML's int resolver: `[-+]?(0b[01_]+|0[0-7_]+|(0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(:[0-5]?[0-9])+)`.
    private static func yamlInteger(_ text: String, _ node: Node) throws -> TemplateValue? {
        var body = Substring(text)
        var negative = false
        if let first = body.first, first == "-" || first == "+" {
            negative = first == "-"
            body = body.dropFirst()
        }
        guard let first = body.first, first.isASCII, first.isNumber else { return nil }
        let digits = body.replacingOccurrences(of: "_", with: "")
        var magnitude: BigInt?
        var matched = false
        if body.hasPrefix("0b") {
            matched = body.dropFirst(2).allSatisfy { "01_".contains($0) } && body.count > 2
            if matched { magnitude = BigInt(digits.dropFirst(2), radix: 2) }
        } else if body.hasPrefix("0x") {
            matched = body.dropFirst(2).allSatisfy { $0.isHexDigit || $0 == "_" } && body.count > 2
            if matched { magnitude = BigInt(digits.dropFirst(2), radix: 16) }
        } else if body.hasPrefix("0") && body.count > 1 {
            matched = body.dropFirst().allSatisfy { ("0"..."7").contains($0) || $0 == "_" }
            if matched { magnitude = BigInt(digits.dropFirst(), radix: 8) ?? 0 }
        } else if body.contains(":") {
            let parts = body.split(separator: ":", omittingEmptySubsequences: false)
            matched = parts.first.map { $0.allSatisfy { $0.isNumber || $0 == "_" } && !$0.hasPrefix("0") } ?? false
                && parts.dropFirst().allSatisfy { (1...2).contains($0.count) && $0.allSatisfy(\.isNumber) && (Int($0) ?? 60) < 60 }
            if matched {
                var total: BigInt? = 0
                for part in parts {
                    guard let value = total, let digit = BigInt(part.replacingOccurrences(of: "_", with: "")) else { total = nil; break }
                    total = value * 60 + digit
                }
                magnitude = total
            }
        } else {
            matched = body.allSatisfy { ($0.isASCII && $0.isNumber) || $0 == "_" }
            if matched { magnitude = BigInt(digits) }
        }
        guard matched else { return nil }
        guard let magnitude, let value = TemplateValue.integer(negative ? -magnitude : magnitude) else {
            throw failure("the integer \(text.prefix(40)) is too large (more than 4,300 digits)", node)
        }
        return value
    }

    /// PyYAML's float resolver: `[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?` and friends.
    private static func yamlFloat(_ text: String) -> Double? {
        var body = Substring(text)
        if let first = body.first, first == "-" || first == "+" { body = body.dropFirst() }
        guard body.contains("."), let first = body.first, first.isNumber || first == "." else { return nil }
        var mantissa = body
        if let e = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            let exponent = body[body.index(after: e)...]
            guard let sign = exponent.first, sign == "-" || sign == "+", exponent.count > 1, exponent.dropFirst().allSatisfy(\.isNumber) else { return nil }
            mantissa = body[..<e]
        }
        guard mantissa.allSatisfy({ $0.isNumber || $0 == "_" || $0 == "." }), mantissa.filter({ $0 == "." }).count == 1 else { return nil }
        if mantissa == "." { return nil }
        return Double(text.replacingOccurrences(of: "_", with: ""))
    }
}

extension TemplateValue {
    /// The value of a whole YAML document, as `yaml.safe_load` gives it (nil for an empty one).
    public init?(yamlText: String) throws {
        guard let node = try Yams.compose(yaml: yamlText, .default, .default, .utf8) else { return nil }
        try self.init(yaml: node)
    }
}
