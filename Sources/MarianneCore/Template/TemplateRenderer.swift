import Foundation

/// Executes a parsed template: one renderer per render call, counting steps and output
/// against the limits.
final class TemplateRenderer {
    let limits: TemplateLimits
    let strict: Bool
    let sourceMap: TemplateSourceMap
    // The hottest writes of a render: `unchecked` spares them dynamic exclusivity checks
    // (a renderer is used by one thread).
    @exclusivity(unchecked) private var steps = 0
    private var depth = 0
    private var autoescape = false
    /// The text rendered so far.
    @exclusivity(unchecked) private(set) var output = ""

    init(limits: TemplateLimits, strict: Bool, sourceMap: TemplateSourceMap) {
        self.limits = limits
        self.strict = strict
        self.sourceMap = sourceMap
    }

    // MARK: - Limits and errors

    @inline(__always) func tick(_ count: Int = 1) throws {
        steps &+= count
        if steps > limits.maxSteps {
            throw TemplateFailure(
                kind: .limit,
                message: "template exceeded \(limits.maxSteps) steps: loops nested too deeply or too long (raise the limit or shorten the loops)"
            )
        }
    }

    /// Fails when a string the template builds would pass the output limit.
    func checkSize(_ bytes: Int) throws {
        if bytes > limits.maxOutputBytes {
            throw TemplateFailure(kind: .limit, message: "template output exceeded \(limits.maxOutputBytes) bytes")
        }
    }

    func located(_ failure: TemplateFailure, _ offset: Int) -> TemplateError {
        let place = sourceMap.position(offset)
        return TemplateError(kind: failure.kind, message: failure.message, line: place.line, column: place.column)
    }

    private func write(_ text: String) throws {
        output += text
        try checkSize(output.utf8.count)
    }

    /// Renders `body` into a fresh buffer and returns it.
    func capture(_ body: [TemplateNode], _ scope: TemplateScope) throws -> String {
        let saved = output
        output = ""
        defer { output = saved }
        try render(body, scope)
        return output
    }

    // MARK: - Statements

    func render(_ nodes: [TemplateNode], _ scope: TemplateScope) throws {
        for node in nodes {
            try tick()
            switch node {
            case .text(let text):
                try write(text)
            case .output(let expr):
                let value = try evaluate(expr, scope)
                do { try write(try outputText(value)) } catch let failure as TemplateFailure { throw located(failure, expr.offset) }
            case .conditional(let branches, let otherwise):
                var taken = false
                for branch in branches where try test(branch.condition, scope) {
                    try render(branch.body, scope)
                    taken = true
                    break
                }
                if !taken { try render(otherwise, scope) }
            case .loop(let loop):
                try renderLoop(loop, try evaluate(loop.iterable, scope), scope, depth0: 0)
            case .assign(let target, let expr, let offset):
                let value = try evaluate(expr, scope)
                do { try assign(target, value, scope) } catch let failure as TemplateFailure { throw located(failure, offset) }
            case .assignBlock(let target, let filters, let body, let offset):
                var value = TemplateValue.string(try capture(body, TemplateScope(parent: scope)))
                value = try applyFilters(filters, value, scope)
                do { try assign(target, value, scope) } catch let failure as TemplateFailure { throw located(failure, offset) }
            case .macro(let macro):
                scope.set(macro.name, .object(TemplateMacroObject(macro, closure: scope)))
            case .callBlock(let block):
                let caller = TemplateValue.object(TemplateMacroObject(block.caller, closure: scope))
                let value = try evaluate(block.call, scope, caller: caller)
                do { try write(try printed(value)) } catch let failure as TemplateFailure { throw located(failure, block.call.offset) }
            case .filterBlock(let filters, let body):
                let text = try capture(body, TemplateScope(parent: scope))
                let value = try applyFilters(filters, .string(text), scope)
                do { try write(try printed(value)) } catch let failure as TemplateFailure { throw located(failure, filters.first?.offset ?? 0) }
            case .scoped(let assignments, let body):
                let inner = TemplateScope(parent: scope)
                for assignment in assignments {
                    let value = try evaluate(assignment.value, scope)
                    do { try assign(assignment.target, value, inner) } catch let failure as TemplateFailure {
                        throw located(failure, assignment.value.offset)
                    }
                }
                try render(body, inner)
            case .autoescape(let flag, let body):
                let saved = autoescape
                defer { autoescape = saved }
                autoescape = try test(flag, scope)
                try render(body, scope)
            }
        }
    }

    private func test(_ expr: TemplateExpr, _ scope: TemplateScope) throws -> Bool {
        let value = try evaluate(expr, scope)
        do { return try truth(value) } catch let failure as TemplateFailure { throw located(failure, expr.offset) }
    }

    private func applyFilters(_ filters: [TemplateFilterCall], _ input: TemplateValue, _ scope: TemplateScope) throws -> TemplateValue {
        var value = input
        for filter in filters { value = try applyFilter(filter, value, scope) }
        return value
    }

    /// What `{{ value }}` writes: `str(value)`, HTML-escaped inside `{% autoescape true %}`.
    private func outputText(_ value: TemplateValue) throws -> String {
        let text = try printed(value)
        return autoescape && !value.isMarkup ? TemplateFilters.escapeText(text, alreadySafe: false) : text
    }

    /// `str(value)` for output; a strict undefined value is an error.
    func printed(_ value: TemplateValue) throws -> String {
        switch value {
        case .markup(let text): return text
        case .string(let text): return text
        case .undefined(let undefined):
            if strict && !undefined.lenient { throw TemplateFailure.undefined(undefined) }
            return ""
        default: return value.pythonString
        }
    }

    /// Python's `bool(value)`; a strict undefined value is an error.
    func truth(_ value: TemplateValue) throws -> Bool {
        if case .undefined(let undefined) = value {
            if strict && !undefined.lenient { throw TemplateFailure.undefined(undefined) }
            return false
        }
        return value.truthy
    }

    func checkNesting(_ value: TemplateValue) throws {
        if value.nests(deeperThan: Self.maxNesting - 10) {
            throw TemplateFailure(kind: .limit, message: "values nested more than \(Self.maxNesting - 10) levels deep")
        }
    }

    func assign(_ target: TemplateTarget, _ value: TemplateValue, _ scope: TemplateScope) throws {
        switch target {
        case .name(let name):
            scope.set(name, value)
        case .tuple(let targets):
            let items = try iterate(value)
            guard items.count == targets.count else {
                throw TemplateFailure.type(items.count > targets.count
                    ? "too many values to unpack (expected \(targets.count))"
                    : "not enough values to unpack (expected \(targets.count), got \(items.count))")
            }
            for (target, item) in zip(targets, items) { try assign(target, item, scope) }
        case .attribute(let name, let attribute):
            guard case .object(let object) = scope.lookup(name) ?? .null, let namespace = object as? TemplateNamespace else {
                throw TemplateFailure.type("cannot assign attribute on non-namespace object")
            }
            try checkNesting(value)
            namespace.values[attribute] = value
        }
    }

    private func renderLoop(_ loop: TemplateLoop, _ iterable: TemplateValue, _ scope: TemplateScope, depth0: Int) throws {
        var items: [TemplateValue]
        do { items = try iterate(iterable) } catch let failure as TemplateFailure { throw located(failure, loop.iterable.offset) }
        if let condition = loop.condition {
            var kept: [TemplateValue] = []
            for item in items {
                try tick()
                let inner = TemplateScope(parent: scope)
                do { try assign(loop.target, item, inner) } catch let failure as TemplateFailure { throw located(failure, loop.offset) }
                if try test(condition, inner) { kept.append(item) }
            }
            items = kept
        }
        if items.isEmpty {
            try render(loop.otherwise, scope)
            return
        }
        var context: TemplateLoopContext?
        if loop.usesLoop || loop.recursive {
            let recurse: ((TemplateValue) throws -> TemplateValue)? = loop.recursive ? { [unowned self] children in
                try self.enter()
                defer { self.leave() }
                let saved = self.output
                self.output = ""
                defer { self.output = saved }
                try self.renderLoop(loop, children, scope, depth0: depth0 + 1)
                return .string(self.output)
            } : nil
            context = TemplateLoopContext(items: items, depth0: depth0, recurse: recurse)
        }
        var inner = TemplateScope(parent: scope)
        let bound = (context == nil ? [] : ["loop"]) + loop.target.names
        for (index, item) in items.enumerated() {
            try tick()
            context?.index0 = index
            // Each iteration starts from a clean scope; one is reused unless something
            // (a macro defined in the body) still holds the previous one. When the body
            // bound nothing of its own, the loop variables are simply overwritten.
            if index == 0 || !isKnownUniquelyReferenced(&inner) || !inner.holdsExactly(bound) {
                if index > 0 {
                    if isKnownUniquelyReferenced(&inner) { inner.clear() } else { inner = TemplateScope(parent: scope) }
                }
                if let context { inner.set("loop", .object(context)) }
            }
            do { try assign(loop.target, item, inner) } catch let failure as TemplateFailure { throw located(failure, loop.offset) }
            try render(loop.body, inner)
        }
    }

    /// Items of a value a `for` loop or a filter walks: a list, the keys of a mapping, the
    /// characters of a string.
    func iterate(_ value: TemplateValue) throws -> [TemplateValue] {
        switch value {
        case .list(let items), .tuple(let items): return items
        case .map(let map): return map.keys
        case .string(let text), .markup(let text):
            try tick(text.unicodeScalars.count)
            return text.unicodeScalars.map { .string(String($0)) }
        case .undefined(let undefined):
            if strict && !undefined.lenient { throw TemplateFailure.undefined(undefined) }
            return []
        case .object(let object):
            if let cycler = object as? TemplateCycler { return cycler.items }
            if let loop = object as? TemplateLoopContext { return loop.items }
            if let view = object as? TemplateDictView { return view.items }
            throw TemplateFailure.type("'\(object.typeName)' object is not iterable")
        default:
            throw TemplateFailure.type("'\(value.pythonTypeName)' object is not iterable")
        }
    }

    // MARK: - Macros

    func enter() throws {
        depth += 1
        if depth > limits.maxCallDepth {
            depth -= 1
            throw TemplateFailure(kind: .limit, message: "template calls nested more than \(limits.maxCallDepth) deep (a macro calling itself without end?)")
        }
    }

    func leave() { depth -= 1 }

    func callMacro(_ object: TemplateMacroObject, _ arguments: TemplateCallArguments) throws -> TemplateValue {
        let macro = object.macro
        try enter()
        defer { leave() }
        let scope = TemplateScope(parent: object.closure)
        var extra: [TemplateValue] = []
        for (position, value) in arguments.positional.enumerated() {
            if position < macro.parameters.count {
                scope.set(macro.parameters[position].name, value)
            } else if macro.usesVarargs {
                extra.append(value)
            } else {
                throw TemplateFailure.type("macro '\(macro.name)' takes not more than \(macro.parameters.count) argument(s)")
            }
        }
        var kwargs = TemplateMap()
        for keyword in arguments.keywords {
            if keyword.name == "caller" {
                guard macro.usesCaller else { throw TemplateFailure.type("macro '\(macro.name)' takes no keyword argument 'caller'") }
                scope.set("caller", keyword.value)
            } else if let position = macro.parameters.firstIndex(where: { $0.name == keyword.name }) {
                if position < arguments.positional.count {
                    throw TemplateFailure.type("macro '\(macro.name)' got multiple values for argument '\(keyword.name)'")
                }
                scope.set(keyword.name, keyword.value)
            } else if macro.usesKwargs {
                kwargs[keyword.name] = keyword.value
            } else {
                throw TemplateFailure.type("macro '\(macro.name)' takes no keyword argument '\(keyword.name)'")
            }
        }
        for parameter in macro.parameters where scope[local: parameter.name] == nil {
            if let defaultValue = parameter.defaultValue {
                scope.set(parameter.name, try evaluate(defaultValue, scope))
            } else {
                scope.set(parameter.name, .undefined(TemplateUndefined(message: "parameter '\(parameter.name)' was not provided", name: parameter.name)))
            }
        }
        if macro.usesVarargs { scope.set("varargs", .tuple(extra)) }
        if macro.usesKwargs { scope.set("kwargs", .map(kwargs)) }
        if macro.usesCaller, scope[local: "caller"] == nil {
            scope.set("caller", .undefined(TemplateUndefined(message: "No caller defined", name: "caller")))
        }
        return .string(try capture(macro.body, scope))
    }
}
