import BigInt
import Foundation

/// Python's `'%s' % value` formatting (the `format` filter and the `%` operator on
/// strings) and `str.format`'s `{}` fields, for the common conversions.
enum PythonPercentFormat {
    static func format(_ template: String, _ arguments: TemplateValue, strict: Bool) throws -> String {
        var positional: [TemplateValue]
        var named: TemplateMap?
        switch arguments {
        case .tuple(let items): positional = items
        case .map(let map):
            positional = [arguments]
            named = map
        default: positional = [arguments]
        }
        var result = ""
        var scalars = Array(template.unicodeScalars)[...]
        var used = 0
        while let scalar = scalars.first {
            scalars = scalars.dropFirst()
            guard scalar == "%" else {
                result.unicodeScalars.append(scalar)
                continue
            }
            var key: String?
            if scalars.first == "(" {
                guard let close = scalars.firstIndex(of: ")") else { throw TemplateFailure.type("incomplete format key") }
                key = String(String.UnicodeScalarView(scalars[scalars.index(after: scalars.startIndex)..<close]))
                scalars = scalars[scalars.index(after: close)...]
            }
            var flags = ""
            while let flag = scalars.first, "-+ #0".unicodeScalars.contains(flag) {
                flags.unicodeScalars.append(flag)
                scalars = scalars.dropFirst()
            }
            var width = ""
            while let digit = scalars.first, ("0"..."9").contains(digit) {
                width.unicodeScalars.append(digit)
                scalars = scalars.dropFirst()
            }
            var precision: String?
            if scalars.first == "." {
                scalars = scalars.dropFirst()
                var digits = ""
                while let digit = scalars.first, ("0"..."9").contains(digit) {
                    digits.unicodeScalars.append(digit)
                    scalars = scalars.dropFirst()
                }
                precision = digits
            }
            guard let conversion = scalars.first else { throw TemplateFailure.type("incomplete format") }
            scalars = scalars.dropFirst()
            if conversion == "%" {
                result += "%"
                continue
            }
            let value: TemplateValue
            if let key {
                guard let named, let found = named[key] else { throw TemplateFailure.type("KeyError: '\(key)'") }
                value = found
            } else {
                guard used < positional.count else { throw TemplateFailure.type("not enough arguments for format string") }
                value = positional[used]
                used += 1
            }
            var align = flags.contains("-") ? "<" : ">"
            var fill = " "
            if flags.contains("0") && !flags.contains("-") && "diouxXeEfFgG".unicodeScalars.contains(conversion) {
                fill = "0"
                align = "="
            }
            let sign = flags.contains("+") ? "+" : flags.contains(" ") ? " " : ""
            let spec = FormatSpec(fill: fill, align: align, sign: sign, alternate: flags.contains("#"), width: width.isEmpty ? 0 : Int(width) ?? Int.max,
                                  grouping: "", precision: precision.map { $0.isEmpty ? 0 : Int($0) ?? Int.max },
                                  type: "sra".unicodeScalars.contains(conversion) ? "s" : String(Character(conversion)))
            if case .undefined(let undefined) = value, strict || !"sra".unicodeScalars.contains(conversion), !undefined.lenient {
                throw TemplateFailure.undefined(undefined)
            }
            result += try spec.apply(percentConversion(value, conversion))
        }
        if named == nil, used < positional.count {
            throw TemplateFailure.type("not all arguments converted during string formatting")
        }
        return result
    }

    private static func percentConversion(_ value: TemplateValue, _ conversion: Unicode.Scalar) throws -> TemplateValue {
        switch conversion {
        case "s": return .string(value.pythonString)
        case "r", "a": return .string(value.pythonRepr)
        case "d", "i", "u":
            if case .double(let number) = value {
                guard number.isFinite, let integer = BigInt(exactly: number.rounded(.towardZero)), let result = TemplateValue.integer(integer) else {
                    throw TemplateFailure.type("cannot convert float \(PythonFormat.float(number)) to integer")
                }
                return result
            }
            if case .bigInt = value { return value }
            guard let integer = TemplateRenderer.integer(value) else {
                throw TemplateFailure.type("%\(Character(conversion)) format: a real number is required, not \(value.pythonTypeName)")
            }
            return .int(integer)
        case "x", "X", "o", "e", "E", "f", "F", "g", "G", "c":
            guard value.isNumber || conversion == "c" else {
                throw TemplateFailure.type("%\(Character(conversion)) format: a real number is required, not \(value.pythonTypeName)")
            }
            return value
        default:
            throw TemplateFailure.type("unsupported format character '\(Character(conversion))'")
        }
    }
}
