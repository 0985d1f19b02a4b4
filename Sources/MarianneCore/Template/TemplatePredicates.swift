import Foundation

/// Jinja2's tests (`x is defined`, `n is divisibleby 3`, `a is sameas b`...).
enum TemplatePredicates {
    typealias Test = @Sendable (TemplateValue, TemplateCallArguments, TemplateRenderer) throws -> Bool

    static func isKnown(_ name: String) -> Bool { table[name] != nil }

    static func apply(_ name: String, _ value: TemplateValue, _ arguments: TemplateCallArguments, _ renderer: TemplateRenderer) throws -> Bool {
        guard let test = table[name] else { throw TemplateFailure.type("No test named '\(name)'.") }
        return try test(value, arguments, renderer)
    }

    private static func other(_ arguments: TemplateCallArguments, _ name: String = "other") throws -> TemplateValue {
        guard let value = arguments.value(0, name) else { throw TemplateFailure.type("the test needs an argument") }
        return value
    }

    private static func remainder(_ value: TemplateValue, _ divisor: TemplateValue, _ r: TemplateRenderer) throws -> TemplateValue {
        try TemplateOperators.binary(.modulo, value, divisor, r)
    }

    private static func ordered(_ op: TemplateCompareOperator) -> Test {
        { value, args, r in try r.compare(op, value, try other(args)) }
    }

    static let table: [String: Test] = [
        "defined": { value, _, _ in !value.isUndefined },
        "undefined": { value, _, _ in value.isUndefined },
        "none": { value, _, _ in value == .null },
        "boolean": { value, _, _ in if case .bool = value { return true } else { return false } },
        "true": { value, _, _ in value == .bool(true) },
        "false": { value, _, _ in value == .bool(false) },
        "integer": { value, _, _ in
            switch value {
            case .int, .bigInt: return true
            default: return false
            }
        },
        "float": { value, _, _ in if case .double = value { return true } else { return false } },
        "number": { value, _, _ in value.isNumber },
        "string": { value, _, _ in value.stringValue != nil },
        "mapping": { value, _, _ in if case .map = value { return true } else { return false } },
        "iterable": { value, _, r in
            switch value {
            case .string, .markup, .list, .tuple, .map: return true
            case .undefined(let undefined):
                if r.strict { throw TemplateFailure.undefined(undefined) }
                return true
            case .object(let object): return object is TemplateCycler || object is TemplateLoopContext || object is TemplateDictView
            default: return false
            }
        },
        "sequence": { value, _, _ in
            switch value {
            case .string, .markup, .list, .tuple, .map: return true
            default: return false
            }
        },
        "callable": { value, _, _ in if case .object(let object) = value { return object.isCallable } else { return false } },
        "escaped": { value, _, _ in value.isMarkup },
        "odd": { value, _, r in try remainder(value, .int(2), r) == .int(1) || remainder(value, .int(2), r) == .double(1) },
        "even": { value, _, r in
            let rest = try remainder(value, .int(2), r)
            return rest == .int(0) || rest == .double(0)
        },
        "divisibleby": { value, args, r in
            let rest = try remainder(value, try other(args, "num"), r)
            return rest == .int(0) || rest == .double(0)
        },
        "sameas": { value, args, _ in
            let other = try other(args)
            switch (value, other) {
            case (.null, .null): return true
            case (.bool(let a), .bool(let b)): return a == b
            case (.int(let a), .int(let b)): return a == b && (-5...256).contains(a)
            case (.object(let a), .object(let b)): return a === b
            case (.list, .list), (.map, .map): return TemplateRenderer.pythonEquals(value, other)
            default: return false
            }
        },
        "lower": { value, _, r in
            let text = try r.printed(value)
            let cased = text.unicodeScalars.filter { $0.properties.isCased }
            return !cased.isEmpty && cased.allSatisfy { !$0.properties.isUppercase }
        },
        "upper": { value, _, r in
            let text = try r.printed(value)
            let cased = text.unicodeScalars.filter { $0.properties.isCased }
            return !cased.isEmpty && cased.allSatisfy { !$0.properties.isLowercase }
        },
        "in": { value, args, r in try r.contains(try other(args, "seq"), value) },
        "eq": ordered(.equal), "equalto": ordered(.equal), "==": ordered(.equal),
        "ne": ordered(.notEqual), "!=": ordered(.notEqual),
        "lt": ordered(.less), "lessthan": ordered(.less), "<": ordered(.less),
        "le": ordered(.lessOrEqual), "<=": ordered(.lessOrEqual),
        "gt": ordered(.greater), "greaterthan": ordered(.greater), ">": ordered(.greater),
        "ge": ordered(.greaterOrEqual), ">=": ordered(.greaterOrEqual),
        "filter": { value, _, r in TemplateFilters.isKnown(try r.printed(value)) },
        "test": { value, _, r in isKnown(try r.printed(value)) },
    ]
}
