import Foundation

/// A Python value inside a `skip_when` expression.
public indirect enum PyValue: Sendable, Equatable {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case list([PyValue])
    /// Key-value pairs in order (keys are ints or strings).
    case dict([PyPair])
    /// An object with attributes (a sheet's state, the job).
    case object(String, [String: PyValue])
    case method(PyValue, String)
    case builtin(String)

    public var truthy: Bool {
        switch self {
        case .none: return false
        case .bool(let flag): return flag
        case .int(let number): return number != 0
        case .float(let number): return number != 0
        case .string(let text): return !text.isEmpty
        case .list(let items): return !items.isEmpty
        case .dict(let pairs): return !pairs.isEmpty
        case .object, .method, .builtin: return true
        }
    }

    var typeName: String {
        switch self {
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .list: return "list"
        case .dict: return "dict"
        case .object(let name, _): return name
        case .method: return "method"
        case .builtin: return "builtin_function_or_method"
        }
    }

    var number: Double? {
        switch self {
        case .bool(let flag): return flag ? 1 : 0
        case .int(let value): return Double(value)
        case .float(let value): return value
        default: return nil
        }
    }

    var integer: Int? {
        switch self {
        case .bool(let flag): return flag ? 1 : 0
        case .int(let value): return value
        default: return nil
        }
    }
}

public struct PyPair: Sendable, Equatable {
    public var key: PyValue
    public var value: PyValue
}

extension SkipExpression {
    public struct EvaluationError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    static let maxText = 1_000_000

    /// The expression's value with `names` (`sheets`, `job`).
    public func evaluate(_ names: [String: PyValue]) throws -> PyValue {
        var steps = 0
        return try Self.eval(root, names, &steps)
    }

    static func fail(_ message: String) -> EvaluationError { EvaluationError(message: message) }

    static func eval(_ node: Node, _ names: [String: PyValue], _ steps: inout Int) throws -> PyValue {
        steps += 1
        guard steps <= 100_000 else { throw fail("the expression takes too many steps") }
        switch node {
        case .literal(let value): return value
        case .name(let name):
            if let value = names[name] { return value }
            if ["len", "any", "all", "bool", "int", "str"].contains(name) { return .builtin(name) }
            throw fail("name '\(name)' is not defined")
        case .list(let items): return .list(try items.map { try eval($0, names, &steps) })
        case .not(let inner): return .bool(!(try eval(inner, names, &steps)).truthy)
        case .negate(let inner):
            switch try eval(inner, names, &steps) {
            case .int(let value) where value != Int.min: return .int(-value)
            case .float(let value): return .float(-value)
            case .bool(let flag): return .int(flag ? -1 : 0)
            case let other: throw fail("bad operand type for unary -: '\(other.typeName)'")
            }
        case .and(let left, let right):
            let value = try eval(left, names, &steps)
            return value.truthy ? try eval(right, names, &steps) : value
        case .or(let left, let right):
            let value = try eval(left, names, &steps)
            return value.truthy ? value : try eval(right, names, &steps)
        case .conditional(let condition, let yes, let no):
            return try eval(condition, names, &steps).truthy ? try eval(yes, names, &steps) : try eval(no, names, &steps)
        case .compare(let first, let rest):
            var left = try eval(first, names, &steps)
            for (op, node) in rest {
                let right = try eval(node, names, &steps)
                guard try compare(op, left, right) else { return .bool(false) }
                left = right
            }
            return .bool(true)
        case .binary(let op, let left, let right):
            return try arithmetic(op, try eval(left, names, &steps), try eval(right, names, &steps))
        case .attribute(let base, let name):
            return try attribute(try eval(base, names, &steps), name)
        case .index(let base, let key):
            return try index(try eval(base, names, &steps), try eval(key, names, &steps))
        case .call(let function, let arguments):
            return try call(try eval(function, names, &steps), try arguments.map { try eval($0, names, &steps) })
        }
    }

    static func equal(_ left: PyValue, _ right: PyValue) -> Bool {
        if let a = left.number, let b = right.number { return a == b }
        switch (left, right) {
        case (.list(let a), .list(let b)): return a.count == b.count && zip(a, b).allSatisfy(equal)
        case (.dict(let a), .dict(let b)):
            return a.count == b.count && a.allSatisfy { pair in b.contains { equal($0.key, pair.key) && equal($0.value, pair.value) } }
        default: return left == right
        }
    }

    static func compare(_ op: String, _ left: PyValue, _ right: PyValue) throws -> Bool {
        switch op {
        case "==": return equal(left, right)
        case "!=": return !equal(left, right)
        case "is": return left == .none && right == .none || (left.typeName == "bool" && left == right)
        case "is not": return !(try compare("is", left, right))
        case "in", "not in":
            let found: Bool
            switch right {
            case .string(let text):
                guard case .string(let part) = left else { throw fail("'in <string>' requires string as left operand") }
                found = text.contains(part) || part.isEmpty
            case .list(let items): found = items.contains { equal($0, left) }
            case .dict(let pairs): found = pairs.contains { equal($0.key, left) }
            default: throw fail("argument of type '\(right.typeName)' is not iterable")
            }
            return op == "in" ? found : !found
        default:
            let order: Int
            if let a = left.number, let b = right.number {
                order = a < b ? -1 : (a > b ? 1 : 0)
            } else if case .string(let a) = left, case .string(let b) = right {
                order = a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) ? -1 : (a == b ? 0 : 1)
            } else {
                throw fail("'\(op)' not supported between '\(left.typeName)' and '\(right.typeName)'")
            }
            switch op {
            case "<": return order < 0
            case "<=": return order <= 0
            case ">": return order > 0
            default: return order >= 0
            }
        }
    }

    static func arithmetic(_ op: String, _ left: PyValue, _ right: PyValue) throws -> PyValue {
        if let a = left.integer, let b = right.integer {
            switch op {
            case "+": let (r, o) = a.addingReportingOverflow(b); if !o { return .int(r) }
            case "-": let (r, o) = a.subtractingReportingOverflow(b); if !o { return .int(r) }
            case "*": let (r, o) = a.multipliedReportingOverflow(by: b); if !o { return .int(r) }
            case "/": guard b != 0 else { throw fail("division by zero") }; return .float(Double(a) / Double(b))
            case "//", "%":
                guard b != 0 else { throw fail("integer division or modulo by zero") }
                guard !(a == Int.min && b == -1) else { break }
                var quotient = a / b
                if (a % b != 0) && ((a < 0) != (b < 0)) { quotient -= 1 }
                return op == "//" ? .int(quotient) : .int(a - quotient * b)
            default: break
            }
            throw fail("integer overflow in the expression")
        }
        if let a = left.number, let b = right.number {
            switch op {
            case "+": return .float(a + b)
            case "-": return .float(a - b)
            case "*": return .float(a * b)
            case "/": guard b != 0 else { throw fail("float division by zero") }; return .float(a / b)
            case "//": guard b != 0 else { throw fail("float floor division by zero") }; return .float((a / b).rounded(.down))
            default: guard b != 0 else { throw fail("float modulo") }; return .float(a - b * (a / b).rounded(.down))
            }
        }
        switch (op, left, right) {
        case ("+", .string(let a), .string(let b)):
            guard a.utf8.count + b.utf8.count <= maxText else { throw fail("the text is too long") }
            return .string(a + b)
        case ("+", .list(let a), .list(let b)): return .list(a + b)
        case ("*", .string(let text), .int(let count)), ("*", .int(let count), .string(let text)):
            guard count <= 0 || text.utf8.count <= maxText / max(1, count) else { throw fail("the text is too long") }
            return .string(count <= 0 ? "" : String(repeating: text, count: count))
        default: throw fail("unsupported operand types for \(op): '\(left.typeName)' and '\(right.typeName)'")
        }
    }

    static func attribute(_ value: PyValue, _ name: String) throws -> PyValue {
        switch value {
        case .object(let type, let attributes):
            guard let attribute = attributes[name] else { throw fail("'\(type)' object has no attribute '\(name)'") }
            return attribute
        case .dict where ["get", "keys", "values", "items"].contains(name),
             .string where ["startswith", "endswith", "lower", "upper", "strip"].contains(name):
            return .method(value, name)
        default: throw fail("'\(value.typeName)' object has no attribute '\(name)'")
        }
    }

    static func index(_ value: PyValue, _ key: PyValue) throws -> PyValue {
        switch value {
        case .dict(let pairs):
            guard let pair = pairs.first(where: { equal($0.key, key) }) else { throw fail("KeyError: \(key)") }
            return pair.value
        case .list(let items):
            guard var position = key.integer else { throw fail("list indices must be integers") }
            if position < 0 { position += items.count }
            guard position >= 0, position < items.count else { throw fail("list index out of range") }
            return items[position]
        case .string(let text):
            let chars = Array(text)
            guard var position = key.integer else { throw fail("string indices must be integers") }
            if position < 0 { position += chars.count }
            guard position >= 0, position < chars.count else { throw fail("string index out of range") }
            return .string(String(chars[position]))
        default: throw fail("'\(value.typeName)' object is not subscriptable")
        }
    }

    static func call(_ function: PyValue, _ arguments: [PyValue]) throws -> PyValue {
        switch function {
        case .builtin(let name):
            guard arguments.count == 1 else { throw fail("\(name)() takes one argument") }
            let argument = arguments[0]
            switch (name, argument) {
            case ("len", .string(let text)): return .int(text.count)
            case ("len", .list(let items)): return .int(items.count)
            case ("len", .dict(let pairs)): return .int(pairs.count)
            case ("any", .list(let items)): return .bool(items.contains { $0.truthy })
            case ("all", .list(let items)): return .bool(items.allSatisfy { $0.truthy })
            case ("bool", _): return .bool(argument.truthy)
            case ("int", .string(let text)):
                guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else { throw fail("invalid literal for int(): '\(text)'") }
                return .int(value)
            case ("int", _):
                if let value = argument.integer { return .int(value) }
                if case .float(let value) = argument, value.isFinite, let exact = Int(exactly: value.rounded(.towardZero)) { return .int(exact) }
                throw fail("int() cannot convert \(argument.typeName)")
            case ("str", .string): return argument
            case ("str", .none): return .string("None")
            case ("str", .bool(let flag)): return .string(flag ? "True" : "False")
            case ("str", .int(let value)): return .string(String(value))
            case ("str", .float(let value)): return .string(PythonText.float(value))
            default: throw fail("\(name)() does not take '\(argument.typeName)' here")
            }
        case .method(.dict(let pairs), let name):
            switch (name, arguments.count) {
            case ("get", 1), ("get", 2): return pairs.first { equal($0.key, arguments[0]) }?.value ?? (arguments.count == 2 ? arguments[1] : .none)
            case ("keys", 0): return .list(pairs.map(\.key))
            case ("values", 0): return .list(pairs.map(\.value))
            case ("items", 0): return .list(pairs.map { .list([$0.key, $0.value]) })
            default: throw fail("dict.\(name)() takes other arguments")
            }
        case .method(.string(let text), let name):
            switch (name, arguments.first) {
            case ("startswith", .string(let prefix)?): return .bool(text.hasPrefix(prefix))
            case ("endswith", .string(let suffix)?): return .bool(text.hasSuffix(suffix))
            case ("lower", nil): return .string(text.lowercased())
            case ("upper", nil): return .string(text.uppercased())
            case ("strip", nil): return .string(text.trimmingCharacters(in: .whitespacesAndNewlines))
            default: throw fail("str.\(name)() takes other arguments")
            }
        default: throw fail("'\(function.typeName)' object is not callable")
        }
    }
}
