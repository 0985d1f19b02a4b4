import Foundation

/// A template problem with its place in the template text (1-based).
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case syntax
        case undefined(String)
        case type
    }

    public var kind: Kind
    public var message: String
    public var line: Int
    public var column: Int

    public var description: String { "\(message) (template line \(line), column \(column))" }
}

/// A small Jinja-like template: `{{ expr }}` with dotted access and filters,
/// `{% if %}/{% elif %}/{% else %}/{% endif %}`, `{% for x in list %}...{% endfor %}` with
/// `loop.index`, and `{# comments #}`. Parsed once; undefined variables are errors.
public struct Template: Sendable {
    indirect enum Node: Sendable {
        case text(String)
        case output(Expr)
        case conditional([(Expr, [Node])], [Node]?)
        case loop(String, Expr, [Node])
    }

    let nodes: [Node]

    public init(_ source: String) throws {
        var parser = TemplateParser(source: source)
        nodes = try parser.parseAll()
        referencedVariables = Self.collect(nodes, bound: [])
    }

    /// Top-level variable names used outside the loop variables that bind them.
    public let referencedVariables: Set<String>

    /// Renders with `context`; throws a `TemplateError` on an undefined variable.
    public func render(_ context: [String: TemplateValue]) throws -> String {
        var output = ""
        try render(nodes, scope: context, into: &output)
        return output
    }

    private func render(_ nodes: [Node], scope: [String: TemplateValue], into output: inout String) throws {
        for node in nodes {
            switch node {
            case .text(let text):
                output += text
            case .output(let expr):
                output += try expr.evaluate(scope).text
            case .conditional(let branches, let otherwise):
                var taken = false
                for (condition, body) in branches where try condition.evaluate(scope).truthy {
                    try render(body, scope: scope, into: &output)
                    taken = true
                    break
                }
                if !taken, let otherwise { try render(otherwise, scope: scope, into: &output) }
            case .loop(let name, let sequence, let body):
                let items: [TemplateValue]
                switch try sequence.evaluate(scope) {
                case .list(let list): items = list
                case .map(let map): items = map.keys.sorted().map { .string($0) }
                case .string(let string): items = string.map { .string(String($0)) }
                case .null: items = []
                default: throw TemplateError(kind: .type, message: "for loop needs a list", line: sequence.line, column: sequence.column)
                }
                var inner = scope
                for (index, item) in items.enumerated() {
                    inner[name] = item
                    inner["loop"] = .map([
                        "index": .int(index + 1), "index0": .int(index), "first": .bool(index == 0),
                        "last": .bool(index == items.count - 1), "length": .int(items.count),
                    ])
                    try render(body, scope: inner, into: &output)
                }
            }
        }
    }

    private static func collect(_ nodes: [Node], bound: Set<String>) -> Set<String> {
        var names = Set<String>()
        for node in nodes {
            switch node {
            case .text: break
            case .output(let expr): names.formUnion(expr.names.subtracting(bound))
            case .conditional(let branches, let otherwise):
                for (condition, body) in branches {
                    names.formUnion(condition.names.subtracting(bound))
                    names.formUnion(collect(body, bound: bound))
                }
                if let otherwise { names.formUnion(collect(otherwise, bound: bound)) }
            case .loop(let name, let sequence, let body):
                names.formUnion(sequence.names.subtracting(bound))
                names.formUnion(collect(body, bound: bound.union([name, "loop"])))
            }
        }
        return names
    }
}

extension TemplateValue {
    /// The text `{{ }}` writes.
    var text: String {
        switch self {
        case .string(let value): return value
        case .int(let value): return String(value)
        case .double(let value): return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .bool(let value): return value ? "true" : "false"
        case .null: return ""
        case .list(let items): return "[" + items.map(\.text).joined(separator: ", ") + "]"
        case .map(let map): return "{" + map.keys.sorted().map { "\($0): \(map[$0]!.text)" }.joined(separator: ", ") + "}"
        }
    }

    var truthy: Bool {
        switch self {
        case .string(let value): return !value.isEmpty
        case .int(let value): return value != 0
        case .double(let value): return value != 0
        case .bool(let value): return value
        case .null: return false
        case .list(let items): return !items.isEmpty
        case .map(let map): return !map.isEmpty
        }
    }

    var number: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }
}
