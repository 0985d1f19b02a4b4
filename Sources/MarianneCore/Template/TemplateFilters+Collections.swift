import Foundation

/// Filters on sequences and mappings.
extension TemplateFilters {
    static let collectionFilters: [String: Filter] = [
        "default": { value, args, r in
            let fallback = args.value(0, "default_value") ?? .string("")
            let boolean = try boolArgument(args, 1, "boolean", r)
            if value.isUndefined || (boolean && !value.truthy) { return fallback }
            return value
        },
        "length": { value, _, r in
            switch value {
            case .string(let text), .markup(let text): return .int(text.unicodeScalars.count)
            case .list(let items), .tuple(let items): return .int(items.count)
            case .map(let map): return .int(map.count)
            case .undefined(let undefined):
                if r.strict { throw TemplateFailure.undefined(undefined) }
                return .int(0)
            case .object(let object):
                if let namespace = object as? TemplateNamespace { return .int(namespace.values.count) }
                if let view = object as? TemplateDictView { return .int(view.items.count) }
                throw TemplateFailure.type("object of type '\(object.typeName)' has no len()")
            default: throw TemplateFailure.type("object of type '\(value.pythonTypeName)' has no len()")
            }
        },
        "list": { value, _, r in .list(try r.iterate(value)) },
        "first": { value, _, r in
            try r.iterate(value).first ?? .undefined(TemplateUndefined(message: "No first item, sequence was empty.", name: "first"))
        },
        "last": { value, _, r in
            try r.iterate(value).last ?? .undefined(TemplateUndefined(message: "No last item, sequence was empty.", name: "last"))
        },
        "reverse": { value, _, r in
            if let text = value.stringValue { return .string(String(String.UnicodeScalarView(text.unicodeScalars.reversed()))) }
            return .list(try r.iterate(value).reversed())
        },
        "join": { value, args, r in
            let separator = try args.value(0, "d").map { try text($0, r) } ?? ""
            var items = try r.iterate(value)
            if let attribute = args.value(1, "attribute") { items = try items.map { try attributeGetter(attribute, r)($0) } }
            let joined = try items.map { try text($0, r) }.joined(separator: separator)
            try r.checkSize(joined.utf8.count)
            return .string(joined)
        },
        "sort": { value, args, r in
            let reverse = try boolArgument(args, 0, "reverse", r)
            let caseSensitive = try boolArgument(args, 1, "case_sensitive", r)
            let items = try r.iterate(value)
            if let attribute = args.value(2, "attribute"), let names = attribute.stringValue, names.contains(",") {
                let getters = try names.split(separator: ",").map { try attributeGetter(.string(String($0)), r) }
                let keyed = try items.map { item in
                    TemplateValue.tuple([.tuple(try getters.map { sortKey(try $0(item), caseSensitive: caseSensitive) }), item])
                }
                return .list(try sorted(keyed, reverse: reverse, caseSensitive: true, attribute: .int(0), r).map { $0.sequenceItems![1] })
            }
            return .list(try sorted(items, reverse: reverse, caseSensitive: caseSensitive, attribute: args.value(2, "attribute"), r))
        },
        "dictsort": { value, args, r in
            guard case .map(let map) = value else { throw TemplateFailure.type("You can only sort by either \"key\" or \"value\"") }
            let caseSensitive = try boolArgument(args, 0, "case_sensitive", r)
            let by = try args.value(1, "by").map { try text($0, r) } ?? "key"
            guard by == "key" || by == "value" else { throw TemplateFailure.type("You can only sort by either \"key\" or \"value\"") }
            let reverse = try boolArgument(args, 2, "reverse", r)
            let pairs = zip(map.keys, map.values).map { TemplateValue.tuple([$0, $1]) }
            return .list(try sorted(pairs, reverse: reverse, caseSensitive: caseSensitive, attribute: .int(by == "key" ? 0 : 1), r))
        },
        "unique": { value, args, r in
            let caseSensitive = try boolArgument(args, 0, "case_sensitive", r)
            let getter = try attributeGetter(args.value(1, "attribute"), r)
            var seen: [TemplateValue] = []
            var result: [TemplateValue] = []
            for item in try r.iterate(value) {
                try r.tick()
                let key = sortKey(try getter(item), caseSensitive: caseSensitive)
                if !seen.contains(where: { TemplateRenderer.pythonEquals($0, key) }) {
                    seen.append(key)
                    result.append(item)
                }
            }
            return .list(result)
        },
        "min": { value, args, r in try extreme(value, args, r, largest: false) },
        "max": { value, args, r in try extreme(value, args, r, largest: true) },
        "sum": { value, args, r in
            let getter = try attributeGetter(args.value(0, "attribute"), r)
            var total = args.value(1, "start") ?? .int(0)
            for item in try r.iterate(value) { total = try TemplateOperators.binary(.add, total, try getter(item), r) }
            return total
        },
        "map": mapFilter,
        "select": { value, args, r in try selectFilter(value, args, r, attribute: false, keep: true) },
        "reject": { value, args, r in try selectFilter(value, args, r, attribute: false, keep: false) },
        "selectattr": { value, args, r in try selectFilter(value, args, r, attribute: true, keep: true) },
        "rejectattr": { value, args, r in try selectFilter(value, args, r, attribute: true, keep: false) },
        "batch": { value, args, r in
            let size = try integerArgument(args, 0, "linecount", 1)
            let fill = args.value(1, "fill_with")
            var batches: [TemplateValue] = []
            var current: [TemplateValue] = []
            for item in try r.iterate(value) {
                if current.count == size {
                    batches.append(.list(current))
                    current = []
                }
                current.append(item)
            }
            if !current.isEmpty {
                if let fill, fill != .null, current.count < size {
                    try r.tick(size - current.count)
                    current += Array(repeating: fill, count: size - current.count)
                }
                batches.append(.list(current))
            }
            return .list(batches)
        },
        "slice": { value, args, r in
            let slices = try integerArgument(args, 0, "slices", 1)
            guard slices > 0 else { throw TemplateFailure.type("slices must be positive") }
            let fill = args.value(1, "fill_with")
            let items = try r.iterate(value)
            let perSlice = items.count / slices
            let withExtra = items.count % slices
            var offset = 0
            var result: [TemplateValue] = []
            for index in 0..<slices {
                let start = offset + index * perSlice
                if index < withExtra { offset += 1 }
                let end = offset + (index + 1) * perSlice
                var part = Array(items[min(start, items.count)..<min(end, items.count)])
                if let fill, fill != .null, index >= withExtra { part.append(fill) }
                result.append(.list(part))
            }
            return .list(result)
        },
        "groupby": groupby,
        "items": { value, _, r in
            switch value {
            case .map(let map): return .list(zip(map.keys, map.values).map { .tuple([$0, $1]) })
            case .undefined(let undefined):
                if r.strict { throw TemplateFailure.undefined(undefined) }
                return .list([])
            default: throw TemplateFailure.type("Can only get item pairs from a mapping.")
            }
        },
        "attr": { value, args, r in
            guard let name = args.value(0, "name") else { throw TemplateFailure.type("attr() needs a name") }
            let attribute = try text(name, r)
            if case .undefined(let undefined) = value { throw TemplateFailure.undefined(undefined) }
            if case .object(let object) = value, let found = try object.attribute(attribute, r) { return found }
            return TemplateMethods.attribute(value, attribute) ?? .undefined(.member(attribute, of: value))
        },
    ]

    /// Jinja2's attribute getter: `a.b.0` walks items (then attributes) part by part.
    static func attributeGetter(_ attribute: TemplateValue?, _ r: TemplateRenderer, fallback: TemplateValue? = nil) throws -> (TemplateValue) throws -> TemplateValue {
        guard let attribute, attribute != .null else { return { $0 } }
        let parts: [TemplateValue]
        if let integer = TemplateRenderer.integer(attribute) {
            parts = [.int(integer)]
        } else {
            parts = try text(attribute, r).split(separator: ".", omittingEmptySubsequences: false).map { part in
                Int(part).map { .int($0) } ?? .string(String(part))
            }
        }
        return { item in
            var value = item
            for part in parts {
                value = try r.item(value, part)
                if value.isUndefined { break }
            }
            if value.isUndefined, let fallback { return fallback }
            return value
        }
    }

    static func sortKey(_ value: TemplateValue, caseSensitive: Bool) -> TemplateValue {
        if !caseSensitive, let text = value.stringValue { return .string(text.lowercased()) }
        return value
    }

    static func sorted(_ items: [TemplateValue], reverse: Bool, caseSensitive: Bool, attribute: TemplateValue?, _ r: TemplateRenderer) throws -> [TemplateValue] {
        try r.tick(items.count)
        let getter = try attributeGetter(attribute, r)
        let keyed = try items.map { (key: sortKey(try getter($0), caseSensitive: caseSensitive), value: $0) }
        for entry in keyed { if case .undefined(let undefined) = entry.key { throw TemplateFailure.undefined(undefined) } }
        var failure: TemplateFailure?
        let indexed = Array(keyed.enumerated())
        let result = indexed.sorted { left, right in
            guard let order = TemplateRenderer.order(left.element.key, right.element.key) else {
                failure = .type("'<' not supported between instances of '\(left.element.key.pythonTypeName)' and '\(right.element.key.pythonTypeName)'")
                return left.offset < right.offset
            }
            if order == .orderedSame { return left.offset < right.offset }
            return reverse ? order == .orderedDescending : order == .orderedAscending
        }
        if let failure { throw failure }
        return result.map(\.element.value)
    }

    private static func extreme(_ value: TemplateValue, _ args: TemplateCallArguments, _ r: TemplateRenderer, largest: Bool) throws -> TemplateValue {
        let caseSensitive = try boolArgument(args, 0, "case_sensitive", r)
        let getter = try attributeGetter(args.value(1, "attribute"), r)
        var best: (key: TemplateValue, value: TemplateValue)?
        for item in try r.iterate(value) {
            let key = sortKey(try getter(item), caseSensitive: caseSensitive)
            guard let current = best else {
                best = (key, item)
                continue
            }
            guard let order = TemplateRenderer.order(key, current.key) else {
                throw TemplateFailure.type("'<' not supported between instances of '\(key.pythonTypeName)' and '\(current.key.pythonTypeName)'")
            }
            if largest ? order == .orderedDescending : order == .orderedAscending { best = (key, item) }
        }
        return best?.value ?? .undefined(TemplateUndefined(message: "No aggregated item, sequence was empty.", name: largest ? "max" : "min"))
    }

    private static func mapFilter(_ value: TemplateValue, _ args: TemplateCallArguments, _ r: TemplateRenderer) throws -> TemplateValue {
        let items = try r.iterate(value)
        if let attribute = args.keyword("attribute") {
            let getter = try attributeGetter(attribute, r, fallback: args.keyword("default"))
            return .list(try items.map(getter))
        }
        guard let name = try args.positional.first.map({ try text($0, r) }) else { return .list(items) }
        let rest = TemplateCallArguments(Array(args.positional.dropFirst()), keywords: args.keywords)
        return .list(try items.map { item in
            try r.tick()
            return try apply(name, item, rest, r)
        })
    }

    private static func selectFilter(_ value: TemplateValue, _ args: TemplateCallArguments, _ r: TemplateRenderer, attribute: Bool, keep: Bool) throws -> TemplateValue {
        var positional = args.positional
        var getter: (TemplateValue) throws -> TemplateValue = { $0 }
        if attribute {
            guard !positional.isEmpty else { throw TemplateFailure.type("Missing parameter for attribute name") }
            getter = try attributeGetter(positional.removeFirst(), r)
        }
        let testName = positional.isEmpty ? nil : try text(positional.removeFirst(), r)
        let testArguments = TemplateCallArguments(positional, keywords: args.keywords)
        var result: [TemplateValue] = []
        for item in try r.iterate(value) {
            try r.tick()
            let subject = try getter(item)
            let passed = try testName.map { try TemplatePredicates.apply($0, subject, testArguments, r) } ?? r.truth(subject)
            if passed == keep { result.append(item) }
        }
        return .list(result)
    }

    private static func groupby(_ value: TemplateValue, _ args: TemplateCallArguments, _ r: TemplateRenderer) throws -> TemplateValue {
        guard let attribute = args.value(0, "attribute") else { throw TemplateFailure.type("groupby() needs an attribute") }
        let caseSensitive = try boolArgument(args, 2, "case_sensitive", r)
        let getter = try attributeGetter(attribute, r, fallback: args.value(1, "default"))
        let items = try sorted(try r.iterate(value), reverse: false, caseSensitive: caseSensitive, attribute: nil, r, keyedBy: getter)
        var groups: [TemplateValue] = []
        var currentKey: TemplateValue?
        var currentGrouper: TemplateValue = .null
        var members: [TemplateValue] = []
        for item in items {
            let raw = try getter(item)
            let key = sortKey(raw, caseSensitive: caseSensitive)
            if let existing = currentKey, TemplateRenderer.pythonEquals(existing, key) {
                members.append(item)
                continue
            }
            if currentKey != nil { groups.append(.tuple([currentGrouper, .list(members)])) }
            currentKey = key
            currentGrouper = raw
            members = [item]
        }
        if currentKey != nil { groups.append(.tuple([currentGrouper, .list(members)])) }
        return .list(groups)
    }

    private static func sorted(_ items: [TemplateValue], reverse: Bool, caseSensitive: Bool, attribute: TemplateValue?, _ r: TemplateRenderer,
                               keyedBy getter: (TemplateValue) throws -> TemplateValue) throws -> [TemplateValue] {
        let keys = try items.map { TemplateValue.tuple([sortKey(try getter($0), caseSensitive: caseSensitive), $0]) }
        return try sorted(keys, reverse: reverse, caseSensitive: true, attribute: .int(0), r).map { $0.sequenceItems![1] }
    }
}
