import Foundation

/// Python methods of strings, dicts and lists (`.items()`, `.upper()`, `.split()`...).
enum TemplateMethods {
    static let stringMethods: Set<String> = [
        "upper", "lower", "title", "capitalize", "swapcase", "casefold", "strip", "lstrip", "rstrip", "split", "rsplit",
        "splitlines", "join", "replace", "startswith", "endswith", "find", "rfind", "index", "rindex", "count", "format",
        "center", "ljust", "rjust", "zfill", "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower", "istitle",
        "isdecimal", "isnumeric", "partition", "rpartition", "removeprefix", "removesuffix",
    ]
    static let mapMethods: Set<String> = ["items", "keys", "values", "get", "pop", "setdefault", "update", "copy", "clear"]
    static let listMethods: Set<String> = ["append", "extend", "insert", "pop", "remove", "clear", "index", "count", "copy", "sort", "reverse"]
    static let tupleMethods: Set<String> = ["index", "count"]

    private static func hasMethod(_ value: TemplateValue, _ name: String) -> Bool {
        switch value {
        case .string, .markup: return stringMethods.contains(name)
        case .map: return mapMethods.contains(name)
        case .list: return listMethods.contains(name)
        case .tuple: return tupleMethods.contains(name)
        case .int, .bool: return name == "bit_length" || name == "conjugate" || name == "is_integer"
        case .double: return name == "is_integer" || name == "conjugate"
        default: return false
        }
    }

    /// A Python attribute of a plain value: a bound method, or `real`/`imag` of numbers.
    static func attribute(_ value: TemplateValue, _ name: String) -> TemplateValue? {
        if hasMethod(value, name) { return .object(TemplateBoundMethod(value, name)) }
        switch (value, name) {
        case (.int, "real"), (.int, "numerator"), (.double, "real"): return value
        case (.bool(let flag), "real"), (.bool(let flag), "numerator"): return .int(flag ? 1 : 0)
        case (.int, "imag"), (.bool, "imag"): return .int(0)
        case (.int, "denominator"), (.bool, "denominator"): return .int(1)
        case (.double, "imag"): return .double(0)
        case (.tuple(let items), "grouper") where items.count == 2: return items[0]
        case (.tuple(let items), "list") where items.count == 2: return items[1]
        default: return nil
        }
    }

    struct Outcome {
        var result: TemplateValue
        /// The receiver after an in-place method (`append`, `update`...).
        var updatedReceiver: TemplateValue?
    }

    static func call(_ receiver: TemplateValue, _ name: String, _ arguments: TemplateCallArguments, _ renderer: TemplateRenderer) throws -> Outcome {
        guard let outcome = try call(receiver, name, arguments, renderer, allowMissing: false) else {
            throw TemplateFailure.type("'\(receiver.pythonTypeName)' object has no attribute '\(name)'")
        }
        return outcome
    }

    /// Calls the method; nil when the value has no such method and `allowMissing`.
    static func call(_ receiver: TemplateValue, _ name: String, _ arguments: TemplateCallArguments, _ renderer: TemplateRenderer, allowMissing: Bool) throws -> Outcome? {
        guard hasMethod(receiver, name) else {
            if allowMissing { return nil }
            throw TemplateFailure.type("'\(receiver.pythonTypeName)' object has no attribute '\(name)'")
        }
        let args = arguments.positional
        switch receiver {
        case .string(let text):
            return Outcome(result: try TemplateStringMethods.call(text, name, arguments, renderer))
        case .markup(let text):
            let result = try TemplateStringMethods.call(text, name, arguments, renderer)
            if case .string(let plain) = result, name != "format" { return Outcome(result: .markup(plain)) }
            return Outcome(result: result)
        case .map(var map):
            switch name {
            case "items": return Outcome(result: .object(TemplateDictView("items", zip(map.keys, map.values).map { .tuple([$0, $1]) })))
            case "keys": return Outcome(result: .object(TemplateDictView("keys", map.keys)))
            case "values": return Outcome(result: .object(TemplateDictView("values", map.values)))
            case "get":
                guard let key = args.first else { throw TemplateFailure.type("get expected at least 1 argument, got 0") }
                guard TemplateMap.isHashable(key) else { throw TemplateFailure.type("unhashable type: '\(key.pythonTypeName)'") }
                return Outcome(result: map[key] ?? (args.count > 1 ? args[1] : .null))
            case "copy": return Outcome(result: receiver)
            case "clear": return Outcome(result: .null, updatedReceiver: .map(TemplateMap()))
            case "pop":
                guard let key = args.first else { throw TemplateFailure.type("pop expected at least 1 argument, got 0") }
                guard let value = map[key] else {
                    if args.count > 1 { return Outcome(result: args[1]) }
                    throw TemplateFailure.type("KeyError: \(key.pythonRepr)")
                }
                map[key] = nil
                return Outcome(result: value, updatedReceiver: .map(map))
            case "setdefault":
                guard let key = args.first else { throw TemplateFailure.type("setdefault expected at least 1 argument, got 0") }
                if let value = map[key] { return Outcome(result: value) }
                let value = args.count > 1 ? args[1] : .null
                map[key] = value
                return Outcome(result: value, updatedReceiver: .map(map))
            default:
                if let other = args.first {
                    guard case .map(let extra) = other else { throw TemplateFailure.type("update() needs a mapping") }
                    for (key, value) in zip(extra.keys, extra.values) { map[key] = value }
                }
                for keyword in arguments.keywords { map[keyword.name] = keyword.value }
                return Outcome(result: .null, updatedReceiver: .map(map))
            }
        case .list(var items), .tuple(var items):
            var isTuple = false
            if case .tuple = receiver { isTuple = true }
            func wrap(_ values: [TemplateValue]) -> TemplateValue { isTuple ? .tuple(values) : .list(values) }
            switch name {
            case "count":
                guard let needle = args.first else { throw TemplateFailure.type("count() takes exactly one argument (0 given)") }
                return Outcome(result: .int(try items.filter { try renderer.equals($0, needle) }.count))
            case "index":
                guard let needle = args.first else { throw TemplateFailure.type("index expected at least 1 argument, got 0") }
                for (position, item) in items.enumerated() where try renderer.equals(item, needle) { return Outcome(result: .int(position)) }
                throw TemplateFailure.type("\(needle.pythonRepr) is not in list")
            case "copy": return Outcome(result: receiver)
            case "append":
                guard args.count == 1 else { throw TemplateFailure.type("list.append() takes exactly one argument (\(args.count) given)") }
                try renderer.tick()
                items.append(args[0])
            case "extend":
                guard let other = args.first else { throw TemplateFailure.type("list.extend() takes exactly one argument (0 given)") }
                let extra = try renderer.iterate(other)
                try renderer.tick(extra.count)
                items += extra
            case "insert":
                guard args.count == 2, var position = TemplateRenderer.integer(args[0]) else {
                    throw TemplateFailure.type("insert expected 2 arguments")
                }
                if position < 0 { position = max(0, items.count + position) }
                items.insert(args[1], at: min(position, items.count))
            case "pop":
                guard !items.isEmpty else { throw TemplateFailure.type("pop from empty list") }
                var position = args.first.flatMap(TemplateRenderer.integer) ?? -1
                if position < 0 { position += items.count }
                guard items.indices.contains(position) else { throw TemplateFailure.type("pop index out of range") }
                let value = items.remove(at: position)
                return Outcome(result: value, updatedReceiver: wrap(items))
            case "remove":
                guard let needle = args.first, let position = try items.firstIndex(where: { try renderer.equals($0, needle) }) else {
                    throw TemplateFailure.type("list.remove(x): x not in list")
                }
                items.remove(at: position)
            case "clear": items = []
            case "reverse": items.reverse()
            default:
                let reverse = try arguments.keyword("reverse").map { try renderer.truth($0) } ?? false
                items = try TemplateFilters.sorted(items, reverse: reverse, caseSensitive: true, attribute: nil, renderer)
            }
            return Outcome(result: .null, updatedReceiver: wrap(items))
        case .int(let number):
            switch name {
            case "bit_length": return Outcome(result: .int(Int.bitWidth - number.magnitude.leadingZeroBitCount))
            case "is_integer": return Outcome(result: .bool(true))
            default: return Outcome(result: receiver)
            }
        case .bool(let flag):
            return Outcome(result: name == "is_integer" ? .bool(true) : .int(flag ? 1 : 0))
        case .double(let number):
            return Outcome(result: name == "is_integer" ? .bool(number.isFinite && number == number.rounded()) : receiver)
        default:
            return nil
        }
    }
}
