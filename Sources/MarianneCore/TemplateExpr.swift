import Foundation

/// An expression inside `{{ }}` or a `{% %}` tag.
indirect enum Expr: Sendable {
    case literal(TemplateValue)
    case variable(String)
    case member(Expr, String)
    case index(Expr, Expr)
    case filter(Expr, String, [Expr])
    case not(Expr)
    case binary(String, Expr, Expr)
    case located(Expr, line: Int, column: Int)

    var line: Int {
        if case .located(_, let line, _) = self { return line }
        return 1
    }

    var column: Int {
        if case .located(_, _, let column) = self { return column }
        return 1
    }

    /// Variable names the expression reads.
    var names: Set<String> {
        switch self {
        case .literal: return []
        case .variable(let name): return [name]
        case .member(let base, _): return base.names
        case .index(let base, let key): return base.names.union(key.names)
        case .filter(let base, let name, let args):
            // `x | default(...)` may name an undefined variable on purpose.
            let baseNames = name == "default" ? [] : base.names
            return args.reduce(baseNames) { $0.union($1.names) }
        case .not(let inner): return inner.names
        case .binary(_, let left, let right): return left.names.union(right.names)
        case .located(let inner, _, _): return inner.names
        }
    }

    func evaluate(_ scope: [String: TemplateValue]) throws -> TemplateValue {
        try evaluate(scope, at: (1, 1))
    }

    private func fail(_ message: String, _ at: (Int, Int), kind: TemplateError.Kind = .type) -> TemplateError {
        TemplateError(kind: kind, message: message, line: at.0, column: at.1)
    }

    private func evaluate(_ scope: [String: TemplateValue], at: (Int, Int)) throws -> TemplateValue {
        switch self {
        case .located(let inner, let line, let column):
            return try inner.evaluate(scope, at: (line, column))
        case .literal(let value):
            return value
        case .variable(let name):
            guard let value = scope[name] else {
                throw fail("undefined variable '\(name)'", at, kind: .undefined(name))
            }
            return value
        case .member(let base, let name):
            let value = try base.evaluate(scope, at: at)
            if case .map(let map) = value, let member = map[name] { return member }
            if name == "length" || name == "size" {
                if case .list(let items) = value { return .int(items.count) }
            }
            throw fail("'\(name)' is not defined on this value", at, kind: .undefined(name))
        case .index(let base, let key):
            let value = try base.evaluate(scope, at: at)
            let index = try key.evaluate(scope, at: at)
            switch (value, index) {
            case (.list(let items), .int(let position)):
                let resolved = position < 0 ? items.count + position : position
                guard items.indices.contains(resolved) else { throw fail("index \(position) is out of range", at) }
                return items[resolved]
            case (.map(let map), .string(let name)):
                guard let member = map[name] else { throw fail("key '\(name)' is not defined", at, kind: .undefined(name)) }
                return member
            default:
                throw fail("cannot index this value", at)
            }
        case .filter(let base, let name, let args):
            if name == "default" {
                let fallback = try args.first?.evaluate(scope, at: at) ?? .string("")
                do {
                    let value = try base.evaluate(scope, at: at)
                    return value == .null ? fallback : value
                } catch let error as TemplateError {
                    if case .undefined = error.kind { return fallback }
                    throw error
                }
            }
            let value = try base.evaluate(scope, at: at)
            let arguments = try args.map { try $0.evaluate(scope, at: at) }
            return try Self.apply(name, to: value, arguments: arguments, at: at)
        case .not(let inner):
            return .bool(!(try inner.evaluate(scope, at: at).truthy))
        case .binary(let op, let left, let right):
            if op == "and" {
                let l = try left.evaluate(scope, at: at)
                return l.truthy ? try right.evaluate(scope, at: at) : l
            }
            if op == "or" {
                let l = try left.evaluate(scope, at: at)
                return l.truthy ? l : try right.evaluate(scope, at: at)
            }
            let l = try left.evaluate(scope, at: at)
            let r = try right.evaluate(scope, at: at)
            switch op {
            case "==": return .bool(Self.equal(l, r))
            case "!=": return .bool(!Self.equal(l, r))
            case "in":
                switch r {
                case .list(let items): return .bool(items.contains { Self.equal($0, l) })
                case .string(let text): return .bool(text.contains(l.text))
                case .map(let map): return .bool(map[l.text] != nil)
                default: throw fail("'in' needs a list, a string or a map", at)
                }
            case "+":
                if let a = l.number, let b = r.number {
                    if case .int(let x) = l, case .int(let y) = r { return .int(x + y) }
                    return .double(a + b)
                }
                return .string(l.text + r.text)
            case "-":
                guard let a = l.number, let b = r.number else { throw fail("'-' needs numbers", at) }
                if case .int(let x) = l, case .int(let y) = r { return .int(x - y) }
                return .double(a - b)
            default:
                let ordered: Bool
                if let a = l.number, let b = r.number {
                    ordered = op == "<" ? a < b : op == ">" ? a > b : op == "<=" ? a <= b : a >= b
                } else if case .string(let a) = l, case .string(let b) = r {
                    ordered = op == "<" ? a < b : op == ">" ? a > b : op == "<=" ? a <= b : a >= b
                } else {
                    throw fail("cannot compare these values with '\(op)'", at)
                }
                return .bool(ordered)
            }
        }
    }

    static func equal(_ a: TemplateValue, _ b: TemplateValue) -> Bool {
        if let x = a.number, let y = b.number { return x == y }
        return a == b
    }

    static let filters: Set<String> = ["upper", "lower", "default", "length", "join", "trim", "title", "capitalize", "first", "last", "string", "int", "replace"]

    static func apply(_ name: String, to value: TemplateValue, arguments: [TemplateValue], at: (Int, Int)) throws -> TemplateValue {
        switch name {
        case "upper": return .string(value.text.uppercased())
        case "lower": return .string(value.text.lowercased())
        case "trim": return .string(value.text.trimmingCharacters(in: .whitespacesAndNewlines))
        case "title": return .string(value.text.capitalized)
        case "capitalize": return .string(value.text.prefix(1).uppercased() + value.text.dropFirst().lowercased())
        case "string": return .string(value.text)
        case "int": return .int(Int(value.number ?? Double(value.text) ?? 0))
        case "length":
            switch value {
            case .list(let items): return .int(items.count)
            case .map(let map): return .int(map.count)
            default: return .int(value.text.count)
            }
        case "join":
            let separator = arguments.first?.text ?? ""
            guard case .list(let items) = value else { return .string(value.text) }
            return .string(items.map(\.text).joined(separator: separator))
        case "first", "last":
            guard case .list(let items) = value, let item = name == "first" ? items.first : items.last else { return .null }
            return item
        case "replace":
            guard arguments.count == 2 else {
                throw TemplateError(kind: .type, message: "replace needs two arguments", line: at.0, column: at.1)
            }
            return .string(value.text.replacingOccurrences(of: arguments[0].text, with: arguments[1].text))
        default:
            throw TemplateError(kind: .syntax, message: "unknown filter '\(name)'", line: at.0, column: at.1)
        }
    }
}
