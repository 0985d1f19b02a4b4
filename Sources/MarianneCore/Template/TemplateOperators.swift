import BigInt
import Foundation

/// Python's arithmetic on template values: int/float promotion, floor division and modulo
/// signs, `/` always float, sequence repetition and concatenation. Integers past 64 bits
/// continue as big integers, up to 4,300 digits (where Python stops printing them).
enum TemplateOperators {
    static func overflow(_ op: String) -> TemplateFailure {
        .type("integer too large in '\(op)': more than 4,300 digits")
    }

    /// A big-integer result, or the error past the size limit.
    static func big(_ value: BigInt, _ op: String) throws -> TemplateValue {
        guard let result = TemplateValue.integer(value) else { throw overflow(op) }
        return result
    }

    /// Both operands as big integers when at least one is one (or the 64-bit result overflowed).
    private static func bigPair(_ a: TemplateValue, _ b: TemplateValue) -> (BigInt, BigInt)? {
        guard let x = a.bigIntegerValue, let y = b.bigIntegerValue else { return nil }
        return (x, y)
    }

    private static func isBig(_ a: TemplateValue, _ b: TemplateValue) -> Bool {
        if case .bigInt = a { return true }
        if case .bigInt = b { return true }
        return false
    }

    /// A float operand from a big integer, as Python converts it (too large is an error).
    private static func floats(_ a: TemplateValue, _ b: TemplateValue, _ op: String) throws -> (Double, Double)? {
        guard let x = a.numberValue, let y = b.numberValue else { return nil }
        for (value, number) in [(a, x), (b, y)] {
            if case .bigInt = value, !number.isFinite { throw TemplateFailure.type("int too large to convert to float") }
        }
        return (x, y)
    }

    private static func unsupported(_ op: String, _ a: TemplateValue, _ b: TemplateValue) -> TemplateFailure {
        .type("unsupported operand type(s) for \(op): '\(a.pythonTypeName)' and '\(b.pythonTypeName)'")
    }

    /// Ints and bools as Int; nil for anything else.
    private static func integer(_ value: TemplateValue) -> Int? { TemplateRenderer.integer(value) }

    static func binary(_ op: TemplateBinaryOperator, _ a: TemplateValue, _ b: TemplateValue, _ renderer: TemplateRenderer) throws -> TemplateValue {
        if op == .modulo, case .string(let format) = a {
            return .string(try PythonPercentFormat.format(format, b, strict: renderer.strict))
        }
        for operand in [a, b] {
            if case .undefined(let undefined) = operand { throw TemplateFailure.undefined(undefined) }
        }
        switch op {
        case .add: return try add(a, b, renderer)
        case .subtract:
            if let x = integer(a), let y = integer(b) {
                let (result, overflowed) = x.subtractingReportingOverflow(y)
                if !overflowed { return .int(result) }
                return try big(BigInt(x) - BigInt(y), "-")
            }
            if isBig(a, b), let (x, y) = bigPair(a, b) { return try big(x - y, "-") }
            guard let (x, y) = try floats(a, b, "-") else { throw unsupported("-", a, b) }
            return .double(x - y)
        case .multiply: return try multiply(a, b, renderer)
        case .divide:
            guard let (x, y) = try floats(a, b, "/") else { throw unsupported("/", a, b) }
            if y == 0 { throw TemplateFailure.type("division by zero") }
            return .double(x / y)
        case .floorDivide, .modulo:
            if let x = integer(a), let y = integer(b) {
                if y == 0 { throw TemplateFailure.type(op == .modulo ? "integer modulo by zero" : "integer division or modulo by zero") }
                if x == Int.min && y == -1 {
                    if op == .modulo { return .int(0) }
                    return try big(-BigInt(x), "//")
                }
                var quotient = x / y
                var remainder = x % y
                if remainder != 0 && (remainder < 0) != (y < 0) {
                    quotient -= 1
                    remainder += y
                }
                return .int(op == .modulo ? remainder : quotient)
            }
            if isBig(a, b), let (x, y) = bigPair(a, b) {
                if y == 0 { throw TemplateFailure.type(op == .modulo ? "integer modulo by zero" : "integer division or modulo by zero") }
                var (quotient, remainder) = x.quotientAndRemainder(dividingBy: y)
                if remainder != 0 && (remainder < 0) != (y < 0) {
                    quotient -= 1
                    remainder += y
                }
                return try big(op == .modulo ? remainder : quotient, op.rawValue)
            }
            guard let (x, y) = try floats(a, b, op.rawValue) else { throw unsupported(op.rawValue, a, b) }
            if y == 0 { throw TemplateFailure.type(op == .modulo ? "float modulo" : "float floor division by zero") }
            let (quotient, remainder) = floatDivMod(x, y)
            return .double(op == .modulo ? remainder : quotient)
        case .power: return try power(a, b)
        case .concat: return .string(try renderer.printed(a) + renderer.printed(b))
        }
    }

    /// Python's `divmod` for floats.
    static func floatDivMod(_ x: Double, _ y: Double) -> (Double, Double) {
        var remainder = fmod(x, y)
        var division = (x - remainder) / y
        if remainder != 0 {
            if (y < 0) != (remainder < 0) {
                remainder += y
                division -= 1
            }
        } else {
            remainder = copysign(0, y)
        }
        var floorDivision: Double
        if division != 0 {
            floorDivision = division.rounded(.down)
            if division - floorDivision > 0.5 { floorDivision += 1 }
        } else {
            floorDivision = copysign(0, x / y)
        }
        return (floorDivision, remainder)
    }

    private static func add(_ a: TemplateValue, _ b: TemplateValue, _ renderer: TemplateRenderer) throws -> TemplateValue {
        if let x = integer(a), let y = integer(b) {
            let (result, overflowed) = x.addingReportingOverflow(y)
            if !overflowed { return .int(result) }
            return try big(BigInt(x) + BigInt(y), "+")
        }
        if isBig(a, b), let (x, y) = bigPair(a, b) { return try big(x + y, "+") }
        if let (x, y) = try floats(a, b, "+") { return .double(x + y) }
        switch (a, b) {
        case (.string(let x), .string(let y)):
            try renderer.checkSize(x.utf8.count + y.utf8.count)
            return .string(x + y)
        case (.markup(let x), .string(let y)), (.markup(let x), .markup(let y)):
            return .markup(x + TemplateFilters.escapeText(y, alreadySafe: b.isMarkup))
        case (.string(let x), .markup(let y)):
            return .markup(TemplateFilters.escapeText(x, alreadySafe: false) + y)
        case (.list(let x), .list(let y)):
            try renderer.tick(x.count + y.count)
            return .list(x + y)
        case (.tuple(let x), .tuple(let y)):
            try renderer.tick(x.count + y.count)
            return .tuple(x + y)
        default:
            if case .string = a { throw TemplateFailure.type("can only concatenate str (not \"\(b.pythonTypeName)\") to str") }
            if case .list = a { throw TemplateFailure.type("can only concatenate list (not \"\(b.pythonTypeName)\") to list") }
            throw unsupported("+", a, b)
        }
    }

    private static func multiply(_ a: TemplateValue, _ b: TemplateValue, _ renderer: TemplateRenderer) throws -> TemplateValue {
        if let x = integer(a), let y = integer(b) {
            let (result, overflowed) = x.multipliedReportingOverflow(by: y)
            if !overflowed { return .int(result) }
            return try big(BigInt(x) * BigInt(y), "*")
        }
        if isBig(a, b), let (x, y) = bigPair(a, b) {
            guard x.bitWidth + y.bitWidth <= TemplateValue.maxIntegerBits + 2 else { throw overflow("*") }
            return try big(x * y, "*")
        }
        if !(a.isSequenceLike || b.isSequenceLike), let (x, y) = try floats(a, b, "*") { return .double(x * y) }
        let (sequence, countValue) = integer(b) != nil ? (a, b) : (b, a)
        guard let count = integer(countValue) else {
            throw TemplateFailure.type("can't multiply sequence by non-int of type '\(countValue.pythonTypeName)'")
        }
        let times = max(0, count)
        if (sequence.stringValue?.isEmpty ?? false) || (sequence.sequenceItems?.isEmpty ?? false) { return sequence }
        switch sequence {
        case .string(let text), .markup(let text):
            let (bytes, overflowed) = text.utf8.count.multipliedReportingOverflow(by: times)
            if overflowed { throw overflow("*") }
            try renderer.checkSize(bytes)
            let repeated = String(repeating: text, count: times)
            if case .markup = sequence { return .markup(repeated) }
            return .string(repeated)
        case .list(let items), .tuple(let items):
            let (total, overflowed) = items.count.multipliedReportingOverflow(by: times)
            if overflowed { throw overflow("*") }
            try renderer.tick(total)
            let repeated = Array([[TemplateValue]](repeating: items, count: times).joined())
            if case .tuple = sequence { return .tuple(repeated) }
            return .list(repeated)
        default:
            throw unsupported("*", a, b)
        }
    }

    private static func power(_ a: TemplateValue, _ b: TemplateValue) throws -> TemplateValue {
        if let base = integer(a), let exponent = integer(b) {
            if exponent < 0 {
                if base == 0 { throw TemplateFailure.type("0.0 cannot be raised to a negative power") }
                return .double(pow(Double(base), Double(exponent)))
            }
            var result = 1
            var factor = base
            var remaining = exponent
            while remaining > 0 {
                if remaining & 1 == 1 {
                    let (product, overflowed) = result.multipliedReportingOverflow(by: factor)
                    if overflowed { return try bigPower(BigInt(base), exponent) }
                    result = product
                }
                remaining >>= 1
                if remaining > 0 {
                    let (square, overflowed) = factor.multipliedReportingOverflow(by: factor)
                    if overflowed { return try bigPower(BigInt(base), exponent) }
                    factor = square
                }
            }
            return .int(result)
        }
        if case .bigInt(let base) = a, let exponent = integer(b), exponent >= 0 { return try bigPower(base, exponent) }
        if case .bigInt = b, let base = integer(a), abs(base) <= 1 {
            guard let exponent = b.bigIntegerValue else { throw unsupported("** or pow()", a, b) }
            if base == 0 { return exponent < 0 ? .double(.infinity) : .int(0) }
            return .int(base == 1 || exponent.isMultiple(of: 2) ? 1 : -1)
        }
        if case .bigInt = b, a.bigIntegerValue != nil { throw overflow("**") }
        guard let (x, y) = try floats(a, b, "**") else { throw unsupported("** or pow()", a, b) }
        if x == 0 && y < 0 { throw TemplateFailure.type("0.0 cannot be raised to a negative power") }
        if x < 0 && y != y.rounded() && y.isFinite {
            throw TemplateFailure.type("a negative number raised to a fractional power is a complex number, which templates do not support")
        }
        let result = pow(x, y)
        if result.isInfinite && x.isFinite && y.isFinite { throw TemplateFailure.type("(34, 'Numerical result out of range')") }
        return .double(result)
    }

    private static func bigPower(_ base: BigInt, _ exponent: Int) throws -> TemplateValue {
        let (bits, overflowed) = max(0, base.magnitude.bitWidth - 1).multipliedReportingOverflow(by: exponent)
        guard !overflowed, bits <= TemplateValue.maxIntegerBits else { throw overflow("**") }
        return try big(base.power(exponent), "**")
    }

    static func negate(_ value: TemplateValue, strict: Bool) throws -> TemplateValue {
        switch value {
        case .int(let number):
            guard number != Int.min else { return .bigInt(-BigInt(number)) }
            return .int(-number)
        case .bigInt(let number): return try big(-number, "-")
        case .bool(let flag): return .int(flag ? -1 : 0)
        case .double(let number): return .double(-number)
        case .undefined(let undefined): throw TemplateFailure.undefined(undefined)
        default: throw TemplateFailure.type("bad operand type for unary -: '\(value.pythonTypeName)'")
        }
    }

    static func plus(_ value: TemplateValue) throws -> TemplateValue {
        switch value {
        case .int, .bigInt, .double: return value
        case .bool(let flag): return .int(flag ? 1 : 0)
        case .undefined(let undefined): throw TemplateFailure.undefined(undefined)
        default: throw TemplateFailure.type("bad operand type for unary +: '\(value.pythonTypeName)'")
        }
    }
}

extension TemplateValue {
    var isMarkup: Bool {
        if case .markup = self { return true }
        return false
    }

    /// Strings, lists and tuples (what `*` repeats).
    var isSequenceLike: Bool {
        switch self {
        case .string, .markup, .list, .tuple: return true
        default: return false
        }
    }
}
