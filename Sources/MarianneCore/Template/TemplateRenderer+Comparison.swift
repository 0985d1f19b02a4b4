import BigInt
import Foundation

/// Python's `==`, ordering, `in` and slicing, with Jinja2's undefined rules.
extension TemplateRenderer {
    /// Python `a == b`; a strict undefined operand is an error.
    func equals(_ a: TemplateValue, _ b: TemplateValue) throws -> Bool {
        switch (a, b) {
        case (.undefined(let x), .undefined(let y)):
            if strict && !(x.lenient && y.lenient) { throw TemplateFailure.undefined(x.lenient ? y : x) }
            return true
        case (.undefined(let x), _), (_, .undefined(let x)):
            if strict && !x.lenient { throw TemplateFailure.undefined(x) }
            return false
        default:
            return Self.pythonEquals(a, b)
        }
    }

    /// Values nested deeper than this compare unequal (and unordered) instead of
    /// recursing further: Python raises RecursionError there.
    static let maxNesting = 500

    static func pythonEquals(_ a: TemplateValue, _ b: TemplateValue, depth: Int = 0) -> Bool {
        if depth > maxNesting { return false }
        switch (a, b) {
        case (.null, .null): return true
        case (.string(let x), .string(let y)), (.markup(let x), .markup(let y)), (.string(let x), .markup(let y)), (.markup(let x), .string(let y)):
            return x == y && x.unicodeScalars.elementsEqual(y.unicodeScalars)
        case (.list(let x), .list(let y)), (.tuple(let x), .tuple(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { pythonEquals($0, $1, depth: depth + 1) }
        case (.map(let x), .map(let y)):
            guard x.count == y.count else { return false }
            for (key, value) in zip(x.keys, x.values) {
                guard let other = y[key], pythonEquals(value, other, depth: depth + 1) else { return false }
            }
            return true
        case (.object(let x), .object(let y)): return x === y
        case (.bigInt(let x), .bigInt(let y)): return x == y
        case (.bigInt, .int), (.int, .bigInt), (.bigInt, .bool), (.bool, .bigInt): return false
        case (.bigInt(let x), .double(let y)), (.double(let y), .bigInt(let x)): return y.isFinite && y == y.rounded() && BigInt(exactly: y) == x
        default:
            if let x = integer(a), let y = integer(b) { return x == y }
            if a.isNumber, b.isNumber, let x = a.numberValue, let y = b.numberValue { return x == y }
            return false
        }
    }

    func compare(_ op: TemplateCompareOperator, _ a: TemplateValue, _ b: TemplateValue) throws -> Bool {
        switch op {
        case .equal: return try equals(a, b)
        case .notEqual: return !(try equals(a, b))
        case .isIn: return try contains(b, a)
        case .notIn: return !(try contains(b, a))
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            for operand in [a, b] {
                if case .undefined(let undefined) = operand { throw TemplateFailure.undefined(undefined) }
            }
            guard let order = Self.order(a, b) else {
                throw TemplateFailure.type("'\(op.rawValue)' not supported between instances of '\(a.pythonTypeName)' and '\(b.pythonTypeName)'")
            }
            switch op {
            case .less: return order == .orderedAscending
            case .lessOrEqual: return order != .orderedDescending
            case .greater: return order == .orderedDescending
            default: return order != .orderedAscending
            }
        }
    }

    /// Python's ordering of two values; nil when Python raises TypeError. NaN compares
    /// false both ways (reported as "same").
    static func order(_ a: TemplateValue, _ b: TemplateValue, depth: Int = 0) -> ComparisonResult? {
        if depth > maxNesting { return nil }
        if let x = integer(a), let y = integer(b) { return x < y ? .orderedAscending : x > y ? .orderedDescending : .orderedSame }
        if case .bigInt = a, let x = a.bigIntegerValue, let y = b.bigIntegerValue { return x < y ? .orderedAscending : x > y ? .orderedDescending : .orderedSame }
        if case .bigInt = b, let x = a.bigIntegerValue, let y = b.bigIntegerValue { return x < y ? .orderedAscending : x > y ? .orderedDescending : .orderedSame }
        if a.isNumber, b.isNumber, let x = a.numberValue, let y = b.numberValue {
            return x < y ? .orderedAscending : x > y ? .orderedDescending : .orderedSame
        }
        if let x = a.stringValue, let y = b.stringValue {
            return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars) ? .orderedAscending
                : y.unicodeScalars.lexicographicallyPrecedes(x.unicodeScalars) ? .orderedDescending : .orderedSame
        }
        switch (a, b) {
        case (.list(let x), .list(let y)), (.tuple(let x), .tuple(let y)):
            for (left, right) in zip(x, y) where !pythonEquals(left, right, depth: depth + 1) {
                return order(left, right, depth: depth + 1)
            }
            return x.count < y.count ? .orderedAscending : x.count > y.count ? .orderedDescending : .orderedSame
        default:
            return nil
        }
    }

    /// Python `needle in container`.
    func contains(_ container: TemplateValue, _ needle: TemplateValue) throws -> Bool {
        switch container {
        case .string(let text), .markup(let text):
            guard let part = needle.stringValue else {
                if case .undefined(let undefined) = needle, strict { throw TemplateFailure.undefined(undefined) }
                throw TemplateFailure.type("'in <string>' requires string as left operand, not \(needle.pythonTypeName)")
            }
            return part.isEmpty || text.contains(part)
        case .list(let items), .tuple(let items):
            for item in items where try equals(item, needle) { return true }
            return false
        case .map(let map):
            if case .undefined(let undefined) = needle, strict { throw TemplateFailure.undefined(undefined) }
            guard TemplateMap.isHashable(needle) else { throw TemplateFailure.type("unhashable type: '\(needle.pythonTypeName)'") }
            return map[needle] != nil
        case .undefined(let undefined):
            if strict && !undefined.lenient { throw TemplateFailure.undefined(undefined) }
            return false
        case .object(let object):
            if let namespace = object as? TemplateNamespace { return namespace.values[needle] != nil }
            if let view = object as? TemplateDictView {
                for item in view.items where try equals(item, needle) { return true }
                return false
            }
            throw TemplateFailure.type("argument of type '\(object.typeName)' is not iterable")
        default:
            throw TemplateFailure.type("argument of type '\(container.pythonTypeName)' is not iterable")
        }
    }

    /// `value[start:stop:step]` with Python's rules; undefined for values without slices.
    func slice(_ value: TemplateValue, _ start: TemplateValue?, _ stop: TemplateValue?, _ step: TemplateValue?) throws -> TemplateValue {
        if case .undefined(let undefined) = value { throw TemplateFailure.undefined(undefined) }
        func bound(_ part: TemplateValue?) throws -> Int? {
            guard let part, part != .null else { return nil }
            guard let number = Self.integer(part) else {
                throw TemplateFailure.type("slice indices must be integers or None or have an __index__ method")
            }
            return number
        }
        let stepValue = try bound(step) ?? 1
        if stepValue == 0 { throw TemplateFailure.type("slice step cannot be zero") }
        let startValue = try bound(start)
        let stopValue = try bound(stop)
        func pick<T>(_ items: [T]) -> [T] {
            let count = items.count
            let lower = stepValue > 0 ? 0 : -1
            let upper = stepValue > 0 ? count : count - 1
            func clamp(_ index: Int?, _ fallback: Int) -> Int {
                guard var index else { return fallback }
                if index < 0 {
                    index = index < -count ? lower : index + count
                    return max(index, lower)
                }
                return min(index, upper)
            }
            var position = clamp(startValue, stepValue > 0 ? lower : upper)
            let end = clamp(stopValue, stepValue > 0 ? upper : lower)
            var result: [T] = []
            while stepValue > 0 ? position < end : position > end {
                result.append(items[position])
                let (next, overflowed) = position.addingReportingOverflow(stepValue)
                if overflowed { break }
                position = next
            }
            return result
        }
        switch value {
        case .list(let items): return .list(pick(items))
        case .tuple(let items): return .tuple(pick(items))
        case .string(let text), .markup(let text):
            var view = String.UnicodeScalarView()
            view.append(contentsOf: pick(Array(text.unicodeScalars)))
            return value.isMarkup ? .markup(String(view)) : .string(String(view))
        default:
            return .undefined(TemplateUndefined(message: "'\(value.pythonTypeName)' object is not subscriptable", name: ""))
        }
    }
}
