import Foundation

/// Arguments of a call once evaluated.
struct TemplateCallArguments {
    var positional: [TemplateValue] = []
    var keywords: [(name: String, value: TemplateValue)] = []

    init(_ positional: [TemplateValue] = [], keywords: [(name: String, value: TemplateValue)] = []) {
        self.positional = positional
        self.keywords = keywords
    }

    func keyword(_ name: String) -> TemplateValue? { keywords.first { $0.name == name }?.value }

    /// The argument at `position` or named `name`.
    func value(_ position: Int, _ name: String) -> TemplateValue? {
        if position < positional.count { return positional[position] }
        return keyword(name)
    }

    /// Fails on more positional arguments than `names` or on unknown keywords.
    func check(_ function: String, _ names: [String]) throws {
        if positional.count > names.count {
            throw TemplateFailure.type("\(function)() takes at most \(names.count) argument\(names.count == 1 ? "" : "s") (\(positional.count) given)")
        }
        for keyword in keywords where !names.contains(keyword.name) {
            throw TemplateFailure.type("\(function)() got an unexpected keyword argument '\(keyword.name)'")
        }
    }
}

/// Engine values with behaviour: macros, namespaces, `loop`, bound methods, globals.
/// They live only during one render (which runs on one thread).
/// An engine object (macro, namespace, `loop`...); created only while rendering.
public class TemplateObject: @unchecked Sendable {
    var typeName: String { "object" }
    var repr: String { "<\(typeName) object>" }

    /// A Python attribute; nil when there is none.
    func attribute(_ name: String, _ renderer: TemplateRenderer) throws -> TemplateValue? { nil }

    func call(_ arguments: TemplateCallArguments, _ renderer: TemplateRenderer) throws -> TemplateValue {
        throw TemplateFailure.type("'\(typeName)' object is not callable")
    }

    var isCallable: Bool { false }
}

/// `namespace(...)`: the one object a `set` can change from inside a loop.
final class TemplateNamespace: TemplateObject, @unchecked Sendable {
    var values: TemplateMap
    init(_ values: TemplateMap) { self.values = values }
    override var typeName: String { "Namespace" }
    override var repr: String { "<Namespace \(TemplateValue.map(values).pythonRepr)>" }
    override func attribute(_ name: String, _ renderer: TemplateRenderer) throws -> TemplateValue? { values[name] }
}

/// A method of a value, taken with `x.upper` and called later.
final class TemplateBoundMethod: TemplateObject, @unchecked Sendable {
    let receiver: TemplateValue
    let name: String
    init(_ receiver: TemplateValue, _ name: String) {
        self.receiver = receiver
        self.name = name
    }
    override var typeName: String { "builtin_function_or_method" }
    override var repr: String { "<built-in method \(name) of \(receiver.pythonTypeName) object>" }
    override var isCallable: Bool { true }
    override func call(_ arguments: TemplateCallArguments, _ renderer: TemplateRenderer) throws -> TemplateValue {
        try TemplateMethods.call(receiver, name, arguments, renderer).result
    }
}

/// A global function (`range`, `dict`, `namespace`, `cycler`, `joiner`).
final class TemplateFunction: TemplateObject, @unchecked Sendable {
    let name: String
    let body: (TemplateCallArguments, TemplateRenderer) throws -> TemplateValue
    init(_ name: String, _ body: @escaping (TemplateCallArguments, TemplateRenderer) throws -> TemplateValue) {
        self.name = name
        self.body = body
    }
    override var typeName: String { "function" }
    override var repr: String { "<function \(name)>" }
    override var isCallable: Bool { true }
    override func call(_ arguments: TemplateCallArguments, _ renderer: TemplateRenderer) throws -> TemplateValue {
        try body(arguments, renderer)
    }
}

/// `cycler(a, b)`: `.next()`, `.current`, `.reset()`.
final class TemplateCycler: TemplateObject, @unchecked Sendable {
    let items: [TemplateValue]
    var position = 0
    init(_ items: [TemplateValue]) { self.items = items }
    override var typeName: String { "Cycler" }
    override func attribute(_ name: String, _ renderer: TemplateRenderer) throws -> TemplateValue? {
        switch name {
        case "current": return items.isEmpty ? .null : items[position]
        case "items": return .list(items)
        case "next", "reset":
            return .object(TemplateFunction(name) { [self] _, _ in
                guard !items.isEmpty else { throw TemplateFailure.type("the cycler has no items") }
                if name == "reset" {
                    position = 0
                    return .null
                }
                let value = items[position]
                position = (position + 1) % items.count
                return value
            })
        default: return nil
        }
    }
}

/// `joiner(sep)`: empty the first time it is called, the separator after.
final class TemplateJoiner: TemplateObject, @unchecked Sendable {
    let separator: String
    var used = false
    init(_ separator: String) { self.separator = separator }
    override var typeName: String { "Joiner" }
    override var isCallable: Bool { true }
    override func call(_ arguments: TemplateCallArguments, _ renderer: TemplateRenderer) throws -> TemplateValue {
        defer { used = true }
        return .string(used ? separator : "")
    }
}

/// `d.keys()`, `d.values()`, `d.items()`: iterate like lists, print as Python's views.
final class TemplateDictView: TemplateObject, @unchecked Sendable {
    let kind: String
    let items: [TemplateValue]
    init(_ kind: String, _ items: [TemplateValue]) {
        self.kind = kind
        self.items = items
    }
    override var typeName: String { "dict_\(kind)" }
    override var repr: String { "dict_\(kind)(\(TemplateValue.list(items).pythonRepr))" }
}
