import Foundation

/// Expression evaluation with Python's semantics and Jinja2's attribute rules.
extension TemplateRenderer {
    /// Evaluates `expr`; a failure inside gets the position of the innermost expression.
    func evaluate(_ expr: TemplateExpr, _ scope: TemplateScope, caller: TemplateValue? = nil) throws -> TemplateValue {
        try tick()
        do {
            return try evaluateKind(expr, scope, caller: caller)
        } catch let failure as TemplateFailure {
            throw located(failure, expr.offset)
        }
    }

    private func evaluateKind(_ expr: TemplateExpr, _ scope: TemplateScope, caller: TemplateValue?) throws -> TemplateValue {
        switch expr.kind {
        case .constant(let value):
            return value
        case .name(let name):
            if let value = scope.lookup(name) { return value }
            if let global = TemplateGlobals.value(name) { return global }
            return .undefined(.variable(name))
        case .list(let items):
            return .list(try items.map { try evaluate($0, scope) })
        case .tuple(let items):
            return .tuple(try items.map { try evaluate($0, scope) })
        case .dict(let pairs):
            var map = TemplateMap()
            for pair in pairs {
                let key = try evaluate(pair.key, scope)
                guard TemplateMap.isHashable(key) else { throw TemplateFailure.type("unhashable type: '\(key.pythonTypeName)'") }
                map[key] = try evaluate(pair.value, scope)
            }
            return .map(map)
        case .attribute(let base, let name):
            return try attribute(try evaluate(base, scope), name)
        case .item(let base, let key):
            let value = try evaluate(base, scope)
            if case .slice(let start, let stop, let step) = key.kind {
                return try slice(value, start.map { try evaluate($0, scope) }, stop.map { try evaluate($0, scope) }, step.map { try evaluate($0, scope) })
            }
            return try item(value, try evaluate(key, scope))
        case .slice:
            throw TemplateFailure.type("a slice is only valid inside []")
        case .call(let callee, let arguments):
            var evaluated = try evaluateArguments(arguments, scope)
            if let caller { evaluated.keywords.append((name: "caller", value: caller)) }
            if case .attribute(let baseExpr, let name) = callee.kind {
                let base = try evaluate(baseExpr, scope)
                if let method = try TemplateMethods.call(base, name, evaluated, self, allowMissing: true) {
                    if let updated = method.updatedReceiver {
                        try checkNesting(updated)
                        writeBack(baseExpr, updated, scope)
                    }
                    return method.result
                }
                return try call(try attribute(base, name), evaluated)
            }
            return try call(try evaluate(callee, scope), evaluated)
        case .filter(let base, let filter):
            return try applyFilter(filter, try evaluate(base, scope), scope)
        case .test(let base, let test, let negated):
            let value = try evaluate(base, scope)
            let arguments = try evaluateArguments(test.arguments, scope)
            let result = try TemplatePredicates.apply(test.name, value, arguments, self)
            return .bool(result != negated)
        case .not(let inner):
            return .bool(!(try truth(try evaluate(inner, scope))))
        case .negate(let inner):
            return try TemplateOperators.negate(try evaluate(inner, scope), strict: strict)
        case .plus(let inner):
            return try TemplateOperators.plus(try evaluate(inner, scope))
        case .binary(let op, let left, let right):
            let lhs = try evaluate(left, scope)
            let rhs = try evaluate(right, scope)
            if op == .concat {
                let text = try printed(lhs) + printed(rhs)
                try checkSize(text.utf8.count)
                return .string(text)
            }
            return try TemplateOperators.binary(op, lhs, rhs, self)
        case .and(let left, let right):
            let lhs = try evaluate(left, scope)
            return try truth(lhs) ? try evaluate(right, scope) : lhs
        case .or(let left, let right):
            let lhs = try evaluate(left, scope)
            return try truth(lhs) ? lhs : try evaluate(right, scope)
        case .compare(let left, let comparisons):
            var lhs = try evaluate(left, scope)
            for comparison in comparisons {
                let rhs = try evaluate(comparison.operand, scope)
                guard try compare(comparison.op, lhs, rhs) else { return .bool(false) }
                lhs = rhs
            }
            return .bool(true)
        case .conditional(let test, let then, let otherwise):
            if try truth(try evaluate(test, scope)) { return try evaluate(then, scope) }
            if let otherwise { return try evaluate(otherwise, scope) }
            return .undefined(TemplateUndefined(message: "the inline if-expression evaluated to false and no else section was defined", name: "", lenient: true))
        }
    }

    /// After `xs.append(1)`, the list held by the name (or namespace member) `xs` changes.
    private func writeBack(_ receiver: TemplateExpr, _ value: TemplateValue, _ scope: TemplateScope) {
        switch receiver.kind {
        case .name(let name):
            scope.update(name, value)
        case .attribute(let base, let name):
            if case .name(let owner) = base.kind, case .object(let object) = scope.lookup(owner) ?? .null,
               let namespace = object as? TemplateNamespace, namespace.values[name] != nil {
                namespace.values[name] = value
            }
        default:
            break
        }
    }

    func evaluateArguments(_ arguments: TemplateArguments, _ scope: TemplateScope) throws -> TemplateCallArguments {
        if arguments.isEmpty { return TemplateCallArguments() }
        var result = TemplateCallArguments(try arguments.positional.map { try evaluate($0, scope) })
        for keyword in arguments.keywords {
            result.keywords.append((name: keyword.name, value: try evaluate(keyword.value, scope)))
        }
        if let star = arguments.star {
            result.positional += try iterate(try evaluate(star, scope))
        }
        if let starStar = arguments.starStar {
            guard case .map(let map) = try evaluate(starStar, scope) else { throw TemplateFailure.type("argument after ** must be a mapping") }
            for (key, value) in zip(map.keys, map.values) {
                guard case .string(let name) = key else { throw TemplateFailure.type("keywords must be strings") }
                result.keywords.append((name: name, value: value))
            }
        }
        return result
    }

    func applyFilter(_ filter: TemplateFilterCall, _ value: TemplateValue, _ scope: TemplateScope) throws -> TemplateValue {
        let arguments = try evaluateArguments(filter.arguments, scope)
        do {
            return try TemplateFilters.apply(filter.name, value, arguments, self)
        } catch let failure as TemplateFailure {
            throw located(failure, filter.offset)
        }
    }

    func call(_ callee: TemplateValue, _ arguments: TemplateCallArguments) throws -> TemplateValue {
        switch callee {
        case .object(let object):
            return try object.call(arguments, self)
        case .undefined(let undefined):
            throw TemplateFailure.undefined(undefined)
        default:
            throw TemplateFailure.type("'\(callee.pythonTypeName)' object is not callable")
        }
    }

    /// `value.name`: a Python attribute first, then an item (Jinja2's `getattr`).
    func attribute(_ value: TemplateValue, _ name: String) throws -> TemplateValue {
        if case .undefined(let undefined) = value { throw TemplateFailure.undefined(undefined) }
        if case .object(let object) = value {
            if let found = try object.attribute(name, self) { return found }
            return .undefined(.member(name, of: value))
        }
        if let found = TemplateMethods.attribute(value, name) { return found }
        return try lookupItem(value, .string(name)) ?? .undefined(.member(name, of: value))
    }

    /// `value[key]`: an item first, then (for string keys) a Python attribute.
    func item(_ value: TemplateValue, _ key: TemplateValue) throws -> TemplateValue {
        if case .undefined(let undefined) = value { throw TemplateFailure.undefined(undefined) }
        if let found = try lookupItem(value, key) { return found }
        if case .string(let name) = key {
            if case .object(let object) = value, let found = try object.attribute(name, self) { return found }
            if let found = TemplateMethods.attribute(value, name) { return found }
        }
        return .undefined(.item(key, of: value))
    }

    private func lookupItem(_ value: TemplateValue, _ key: TemplateValue) throws -> TemplateValue? {
        switch value {
        case .map(let map):
            if case .undefined(let undefined) = key { throw TemplateFailure.undefined(undefined) }
            return map[key]
        case .list(let items), .tuple(let items):
            guard let index = Self.integer(key) else { return nil }
            let position = index < 0 ? items.count + index : index
            return items.indices.contains(position) ? items[position] : nil
        case .string(let text), .markup(let text):
            guard let index = Self.integer(key) else { return nil }
            let scalars = Array(text.unicodeScalars)
            let position = index < 0 ? scalars.count + index : index
            return scalars.indices.contains(position) ? .string(String(scalars[position])) : nil
        case .object(let object):
            if let namespace = object as? TemplateNamespace { return namespace.values[key] }
            return nil
        default:
            return nil
        }
    }

    static func integer(_ value: TemplateValue) -> Int? {
        switch value {
        case .int(let number): return number
        case .bool(let flag): return flag ? 1 : 0
        default: return nil
        }
    }
}
