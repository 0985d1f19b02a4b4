import Foundation

/// Jinja2's global functions: `range`, `dict`, `namespace`, `cycler`, `joiner`.
enum TemplateGlobals {
    static func value(_ name: String) -> TemplateValue? {
        switch name {
        case "range": return .object(range)
        case "dict": return .object(dict)
        case "namespace": return .object(namespace)
        case "cycler": return .object(cycler)
        case "joiner": return .object(joiner)
        case "lipsum": return .object(lipsum)
        default: return nil
        }
    }

    private static let range = TemplateFunction("range") { arguments, renderer in
        guard arguments.keywords.isEmpty else { throw TemplateFailure.type("range() takes no keyword arguments") }
        var bounds: [Int] = []
        for value in arguments.positional {
            guard let number = TemplateRenderer.integer(value) else {
                if case .undefined(let undefined) = value { throw TemplateFailure.undefined(undefined) }
                throw TemplateFailure.type("'\(value.pythonTypeName)' object cannot be interpreted as an integer")
            }
            bounds.append(number)
        }
        let (start, stop, step): (Int, Int, Int)
        switch bounds.count {
        case 1: (start, stop, step) = (0, bounds[0], 1)
        case 2: (start, stop, step) = (bounds[0], bounds[1], 1)
        case 3: (start, stop, step) = (bounds[0], bounds[1], bounds[2])
        default: throw TemplateFailure.type("range expected at most 3 arguments, got \(bounds.count)")
        }
        guard step != 0 else { throw TemplateFailure.type("range() arg 3 must not be zero") }
        let span = step > 0 ? stop.subtractingReportingOverflow(start) : start.subtractingReportingOverflow(stop)
        let magnitude = span.overflow ? UInt(Int.max) : UInt(max(0, span.partialValue))
        let count = magnitude == 0 ? 0 : Int(clamping: (magnitude - 1) / step.magnitude + 1)
        try renderer.tick(count)
        return .list((0..<count).map { .int(start + $0 * step) })
    }

    private static let dict = TemplateFunction("dict") { arguments, _ in
        var map = TemplateMap()
        if let first = arguments.positional.first {
            guard case .map(let base) = first else { throw TemplateFailure.type("dict() needs a mapping or keyword arguments") }
            map = base
        }
        for keyword in arguments.keywords { map[keyword.name] = keyword.value }
        return .map(map)
    }

    private static let namespace = TemplateFunction("namespace") { arguments, _ in
        var map = TemplateMap()
        if let first = arguments.positional.first, case .map(let base) = first { map = base }
        for keyword in arguments.keywords { map[keyword.name] = keyword.value }
        return .object(TemplateNamespace(map))
    }

    private static let cycler = TemplateFunction("cycler") { arguments, _ in
        .object(TemplateCycler(arguments.positional))
    }

    private static let joiner = TemplateFunction("joiner") { arguments, renderer in
        let separator = try arguments.value(0, "sep").map { try renderer.printed($0) } ?? ", "
        return .object(TemplateJoiner(separator))
    }

    private static let lipsum = TemplateFunction("lipsum") { _, _ in
        throw TemplateFailure.type("lipsum() is not supported: it produces random text")
    }
}
