import Foundation

/// Python's `str()` and `repr()` of values, as Marianne writes them into validation paths and
/// commands (`{voice}` of a solo sheet is `None`, a list is `['a', 1]`).
public enum PythonText {
    /// `str(value)`.
    public static func str(_ value: TemplateValue) -> String { value.pythonString }

    /// `repr(value)` (mappings in their order, as Python's dicts).
    public static func repr(_ value: TemplateValue) -> String { value.pythonRepr }

    /// Python's float repr: shortest round-trip digits, exponent form below 1e-4 and from 1e16.
    public static func float(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        let (digits, exponent) = shortestDigits(abs(value))
        let sign = value < 0 ? "-" : ""
        if exponent < -4 || exponent >= 16 {
            var mantissa = String(digits.first!)
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let exp = exponent < 0 ? "-" + String(format: "%02d", -exponent) : "+" + String(format: "%02d", exponent)
            return sign + mantissa + "e" + exp
        }
        if exponent >= 0 {
            let whole = digits.count > exponent + 1
                ? String(digits.prefix(exponent + 1)) + "." + String(digits.dropFirst(exponent + 1))
                : digits + String(repeating: "0", count: exponent + 1 - digits.count) + ".0"
            return sign + whole
        }
        return sign + "0." + String(repeating: "0", count: -exponent - 1) + digits
    }

    /// The shortest decimal digits that round-trip, and the exponent of the first digit.
    static func shortestDigits(_ value: Double) -> (String, Int) {
        let text = "\(value)"
        let parts = text.lowercased().split(separator: "e", maxSplits: 1)
        var exponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
        let mantissa = String(parts[0])
        let pieces = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(pieces[0])
        let fracPart = pieces.count > 1 ? String(pieces[1]) : ""
        var digits = intPart + fracPart
        exponent += intPart.count - 1
        while digits.hasPrefix("0"), digits.count > 1 {
            digits.removeFirst()
            exponent -= 1
        }
        while digits.hasSuffix("0"), digits.count > 1 { digits.removeLast() }
        return (digits, exponent)
    }

    /// Python's string repr: single quotes unless the text has ' and no ".
    static func quote(_ text: String) -> String {
        let quoteChar: Character = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var result = String(quoteChar)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if Character(scalar) == quoteChar {
                    result += "\\\(quoteChar)"
                } else if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += String(format: "\\x%02x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        result.append(quoteChar)
        return result
    }
}
