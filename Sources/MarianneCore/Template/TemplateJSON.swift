import Foundation

/// The `tojson` filter: Python's `json.dumps(value, sort_keys=True)` with `<`, `>`, `&`
/// and `'` escaped for HTML, as Jinja2 does it.
enum TemplateJSON {
    static func encode(_ value: TemplateValue, indent: Int?) throws -> String {
        var output = ""
        try write(value, indent: indent, level: 0, into: &output)
        return output
    }

    private static func string(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case "<": result += "\\u003c"
            case ">": result += "\\u003e"
            case "&": result += "\\u0026"
            case "'": result += "\\u0027"
            default:
                if scalar.value < 0x20 || scalar.value > 0x7E {
                    if scalar.value > 0xFFFF {
                        let value = scalar.value - 0x10000
                        result += String(format: "\\u%04x\\u%04x", 0xD800 + (value >> 10), 0xDC00 + (value & 0x3FF))
                    } else {
                        result += String(format: "\\u%04x", scalar.value)
                    }
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    private static func key(_ value: TemplateValue) throws -> String {
        switch value {
        case .string(let text), .markup(let text): return text
        case .int(let number): return String(number)
        case .bigInt(let number): return String(number)
        case .double(let number): return number.isNaN ? "NaN" : number.isInfinite ? (number < 0 ? "-Infinity" : "Infinity") : PythonFormat.float(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        default: throw TemplateFailure.type("keys must be str, int, float, bool or None, not \(value.pythonTypeName)")
        }
    }

    private static func write(_ value: TemplateValue, indent: Int?, level: Int, into output: inout String) throws {
        if level > TemplateRenderer.maxNesting { throw TemplateFailure.type("tojson: values nested too deeply") }
        let newline = indent.map { "\n" + String(repeating: " ", count: $0 * (level + 1)) }
        let closing = indent.map { "\n" + String(repeating: " ", count: $0 * level) } ?? ""
        let separator = indent == nil ? ", " : ","
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .int(let number): output += String(number)
        case .bigInt(let number): output += String(number)
        case .double(let number):
            output += number.isNaN ? "NaN" : number.isInfinite ? (number < 0 ? "-Infinity" : "Infinity") : PythonFormat.float(number)
        case .string(let text), .markup(let text): output += string(text)
        case .list(let items), .tuple(let items):
            guard !items.isEmpty else { output += "[]"; return }
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += separator }
                output += newline ?? ""
                try write(item, indent: indent, level: level + 1, into: &output)
            }
            output += closing + "]"
        case .map(let map):
            guard !map.isEmpty else { output += "{}"; return }
            let entries = try zip(map.keys, map.values).map { (try key($0), $0, $1) }
            for (index, entry) in entries.enumerated() where index > 0 {
                if entry.1.stringValue == nil || entries[0].1.stringValue == nil {
                    if !(entry.1.isNumber && entries[0].1.isNumber) {
                        throw TemplateFailure.type("'<' not supported between instances of '\(entry.1.pythonTypeName)' and '\(entries[0].1.pythonTypeName)'")
                    }
                }
            }
            let sorted = entries.enumerated().sorted { left, right in
                let order = TemplateRenderer.order(left.element.1, right.element.1) ?? .orderedSame
                return order == .orderedSame ? left.offset < right.offset : order == .orderedAscending
            }
            output += "{"
            for (index, entry) in sorted.enumerated() {
                if index > 0 { output += separator }
                output += (newline ?? "") + string(entry.element.0) + ": "
                try write(entry.element.2, indent: indent, level: level + 1, into: &output)
            }
            output += closing + "}"
        case .undefined(let undefined):
            throw TemplateFailure.undefined(undefined)
        case .object(let object):
            throw TemplateFailure.type("Object of type \(object.typeName) is not JSON serializable")
        }
    }
}
