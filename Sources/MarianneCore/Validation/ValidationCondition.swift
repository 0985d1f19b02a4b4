/// Validation `condition:` expressions, evaluated as Marianne's validation engine does: the
/// text is trimmed and split on " and "; each part must start with `NAME OP DIGITS`
/// (`OP` one of `>= <= == != > <`); the rule applies when every part holds. A part that does
/// not match, a name the sheet does not have, or a value that is not an integer counts as
/// true (fail-open). `sheet_num` is always defined.
public enum ValidationCondition {
    public enum Operator: String, Sendable, CaseIterable {
        case greaterOrEqual = ">=", lessOrEqual = "<=", equal = "==", notEqual = "!=", greater = ">", less = "<"

        func holds(_ left: Int, _ right: Int) -> Bool {
            switch self {
            case .greaterOrEqual: return left >= right
            case .lessOrEqual: return left <= right
            case .equal: return left == right
            case .notEqual: return left != right
            case .greater: return left > right
            case .less: return left < right
            }
        }
    }

    /// One `NAME OP NUMBER` comparison. A number too large for `Int` compares as larger than
    /// any value.
    public struct Comparison: Sendable, Equatable {
        public var name: String
        public var op: Operator
        public var value: Int
        public var valueOverflows: Bool
    }

    /// The parts Marianne checks, trimmed.
    public static func parts(of condition: String) -> [String] {
        let trimmed = trimPython(condition)
        guard trimmed.contains(" and ") else { return [trimmed] }
        return trimmed.components(separatedBy: " and ").map(trimPython)
    }

    /// The comparison at the start of `part` (Python's `re.match`: anchored at the start only).
    public static func comparison(_ part: String) -> Comparison? {
        var scalars = Substring(part).unicodeScalars[...]
        var name = ""
        while let first = scalars.first, isWord(first) {
            name.unicodeScalars.append(first)
            scalars = scalars.dropFirst()
        }
        guard !name.isEmpty else { return nil }
        while let first = scalars.first, isSpace(first) { scalars = scalars.dropFirst() }
        let text = String(String.UnicodeScalarView(scalars))
        guard let op = [Operator.greaterOrEqual, .lessOrEqual, .equal, .notEqual, .greater, .less].first(where: { text.hasPrefix($0.rawValue) }) else {
            return nil
        }
        scalars = scalars.dropFirst(op.rawValue.unicodeScalars.count)
        while let first = scalars.first, isSpace(first) { scalars = scalars.dropFirst() }
        var digits: [Int] = []
        while let first = scalars.first, let digit = decimalValue(first) {
            digits.append(digit)
            scalars = scalars.dropFirst()
        }
        guard !digits.isEmpty else { return nil }
        var value = 0
        var overflows = false
        for digit in digits where !overflows {
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(digit)
            if o1 || o2 { overflows = true } else { value = sum }
        }
        return Comparison(name: name, op: op, value: overflows ? Int.max : value, valueOverflows: overflows)
    }

    /// Whether a rule with `condition` applies; `values` maps names to integers, nil for a name
    /// that is present but not an integer (Python `None`, a string).
    public static func evaluate(_ condition: String?, values: [String: Int?]) -> Bool {
        guard let condition else { return true }
        return parts(of: condition).allSatisfy { part in
            guard let comparison = comparison(part) else { return true }
            guard let entry = values[comparison.name], let value = entry else { return true }
            if comparison.valueOverflows {
                switch comparison.op {
                case .less, .lessOrEqual, .notEqual: return true
                default: return false
                }
            }
            return comparison.op.holds(value, comparison.value)
        }
    }

    static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace
    }

    static func decimalValue(_ scalar: Unicode.Scalar) -> Int? {
        guard scalar.properties.numericType == .decimal, let value = scalar.properties.numericValue else { return nil }
        return Int(value)
    }

    /// Python's `str.strip()`: removes whitespace at both ends.
    static func trimPython(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars[...]
        while let first = scalars.first, isSpace(first) { scalars = scalars.dropFirst() }
        while let last = scalars.last, isSpace(last) { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
