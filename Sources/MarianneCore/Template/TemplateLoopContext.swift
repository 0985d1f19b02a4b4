import Foundation

/// The `loop` variable of a `for` body.
final class TemplateLoopContext: TemplateObject, @unchecked Sendable {
    let items: [TemplateValue]
    var index0 = 0
    let depth0: Int
    private var lastChanged: [TemplateValue]?
    /// Renders the loop body again for `loop(children)` in a `recursive` loop.
    let recurse: ((TemplateValue) throws -> TemplateValue)?

    init(items: [TemplateValue], depth0: Int, recurse: ((TemplateValue) throws -> TemplateValue)?) {
        self.items = items
        self.depth0 = depth0
        self.recurse = recurse
    }

    override var typeName: String { "LoopContext" }
    override var repr: String { "<LoopContext \(index0 + 1)/\(items.count)>" }
    override var isCallable: Bool { recurse != nil }

    override func attribute(_ name: String, _ renderer: TemplateRenderer) throws -> TemplateValue? {
        let length = items.count
        switch name {
        case "index": return .int(index0 + 1)
        case "index0": return .int(index0)
        case "revindex": return .int(length - index0)
        case "revindex0": return .int(length - index0 - 1)
        case "first": return .bool(index0 == 0)
        case "last": return .bool(index0 == length - 1)
        case "length": return .int(length)
        case "depth": return .int(depth0 + 1)
        case "depth0": return .int(depth0)
        case "previtem":
            return index0 > 0 ? items[index0 - 1] : .undefined(TemplateUndefined(message: "there is no previous item", name: "previtem"))
        case "nextitem":
            return index0 + 1 < length ? items[index0 + 1] : .undefined(TemplateUndefined(message: "there is no next item", name: "nextitem"))
        case "cycle":
            return .object(TemplateFunction("cycle") { [self] arguments, _ in
                guard !arguments.positional.isEmpty else { throw TemplateFailure.type("no items for cycling given") }
                return arguments.positional[index0 % arguments.positional.count]
            })
        case "changed":
            return .object(TemplateFunction("changed") { [self] arguments, renderer in
                let values = arguments.positional
                if let lastChanged, lastChanged.count == values.count,
                   try zip(lastChanged, values).allSatisfy({ try renderer.equals($0, $1) }) {
                    return .bool(false)
                }
                lastChanged = values
                return .bool(true)
            })
        default: return nil
        }
    }

    override func call(_ arguments: TemplateCallArguments, _ renderer: TemplateRenderer) throws -> TemplateValue {
        guard let recurse else {
            throw TemplateFailure.type("Tried to call non recursive loop. Maybe you forgot the 'recursive' modifier.")
        }
        guard arguments.positional.count == 1, arguments.keywords.isEmpty else {
            throw TemplateFailure.type("loop() takes exactly one argument")
        }
        return try recurse(arguments.positional[0])
    }
}

/// A macro (or the body of a `call` block, as `caller`), bound to the scope it was defined in.
final class TemplateMacroObject: TemplateObject, @unchecked Sendable {
    let macro: TemplateMacro
    let closure: TemplateScope

    init(_ macro: TemplateMacro, closure: TemplateScope) {
        self.macro = macro
        self.closure = closure
    }

    override var typeName: String { "Macro" }
    override var repr: String { "<Macro '\(macro.name)'>" }
    override var isCallable: Bool { true }

    override func attribute(_ name: String, _ renderer: TemplateRenderer) throws -> TemplateValue? {
        switch name {
        case "name": return .string(macro.name)
        case "arguments": return .tuple(macro.parameters.map { .string($0.name) })
        case "catch_kwargs": return .bool(macro.usesKwargs)
        case "catch_varargs": return .bool(macro.usesVarargs)
        case "caller": return .bool(macro.usesCaller)
        default: return nil
        }
    }

    override func call(_ arguments: TemplateCallArguments, _ renderer: TemplateRenderer) throws -> TemplateValue {
        try renderer.callMacro(self, arguments)
    }
}
