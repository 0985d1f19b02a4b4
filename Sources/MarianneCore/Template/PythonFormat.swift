import BigInt
import Foundation

/// Text of values exactly as Python's `str()` and `repr()` give it.
enum PythonFormat {
    /// `repr(float)`: the shortest digits that round-trip, fixed notation for decimal
    /// exponents from -4 to 15, otherwise `1e+16` style.
    static func float(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        let (negative, digits, exponent) = shortestDigits(value)
        var text = negative ? "-" : ""
        if exponent < -4 || exponent >= 16 {
            text += String(digits.first!)
            if digits.count > 1 { text += "." + digits.dropFirst() }
            text += exponent < 0 ? "e-" : "e+"
            let magnitude = abs(exponent)
            text += magnitude < 10 ? "0\(magnitude)" : "\(magnitude)"
        } else if exponent < 0 {
            text += "0." + String(repeating: "0", count: -exponent - 1) + digits
        } else if digits.count > exponent + 1 {
            let split = digits.index(digits.startIndex, offsetBy: exponent + 1)
            text += digits[..<split] + "." + digits[split...]
        } else {
            text += digits + String(repeating: "0", count: exponent + 1 - digits.count) + ".0"
        }
        return text
    }

    /// Sign, significant digits and the decimal exponent of the first digit, from Swift's
    /// shortest round-trip description.
    private static func shortestDigits(_ value: Double) -> (Bool, String, Int) {
        var text = abs(value).description
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        var integerPart = text
        var fraction = ""
        if let dot = text.firstIndex(of: ".") {
            integerPart = String(text[..<dot])
            fraction = String(text[text.index(after: dot)...])
        }
        var digits = integerPart + fraction
        var leadingExponent = exponent + integerPart.count - 1
        while digits.first == "0", digits.count > 1 {
            digits.removeFirst()
            leadingExponent -= 1
        }
        while digits.last == "0", digits.count > 1 { digits.removeLast() }
        return (value < 0, digits, leadingExponent)
    }

    /// `repr(str)`: single quotes unless the text has a single quote and no double quote.
    static func stringRepr(_ text: String) -> String {
        let quote: Character = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var result = String(quote)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if Character(scalar) == quote {
                    result += "\\" + String(quote)
                } else if isPrintable(scalar) {
                    result.unicodeScalars.append(scalar)
                } else if scalar.value < 0x100 {
                    result += "\\x" + hex(scalar.value, width: 2)
                } else if scalar.value < 0x10000 {
                    result += "\\u" + hex(scalar.value, width: 4)
                } else {
                    result += "\\U" + hex(scalar.value, width: 8)
                }
            }
        }
        result.append(quote)
        return result
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Python's `str.isprintable()` for one character.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default:
            return true
        }
    }
}

extension TemplateValue {
    /// Python's `str(value)`: what `{{ }}` prints.
    var pythonString: String {
        switch self {
        case .string(let text), .markup(let text): return text
        case .undefined: return ""
        default: return pythonRepr
        }
    }

    /// Python's `repr(value)`: how values look inside printed lists and dicts.
    var pythonRepr: String { repr(depth: 0) }

    /// Values nested past 500 levels print as `...` (Python raises RecursionError there).
    private func repr(depth: Int) -> String {
        if depth > 500 { return "..." }
        switch self {
        case .null: return "None"
        case .bool(let flag): return flag ? "True" : "False"
        case .int(let number): return String(number)
        case .bigInt(let number): return String(number)
        case .double(let number): return PythonFormat.float(number)
        case .string(let text): return PythonFormat.stringRepr(text)
        case .markup(let text): return "Markup(\(PythonFormat.stringRepr(text)))"
        case .list(let items): return "[" + items.map { $0.repr(depth: depth + 1) }.joined(separator: ", ") + "]"
        case .tuple(let items):
            if items.count == 1 { return "(" + items[0].repr(depth: depth + 1) + ",)" }
            return "(" + items.map { $0.repr(depth: depth + 1) }.joined(separator: ", ") + ")"
        case .map(let map):
            return "{" + zip(map.keys, map.values).map { "\($0.repr(depth: depth + 1)): \($1.repr(depth: depth + 1))" }.joined(separator: ", ") + "}"
        case .undefined: return "Undefined"
        case .object(let object): return object.repr
        }
    }
}
