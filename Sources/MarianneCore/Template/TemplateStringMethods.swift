import Foundation

/// Python `str` methods, on Unicode scalars as Python sees characters.
enum TemplateStringMethods {
    static func isPythonSpace(_ scalar: Unicode.Scalar) -> Bool { TemplateLexer.isSpace(scalar) }

    private static func string(_ value: TemplateValue?, _ method: String) throws -> String {
        guard let value else { throw TemplateFailure.type("\(method)() missing required argument") }
        guard let text = value.stringValue else {
            throw TemplateFailure.type("\(method)() argument must be str, not \(value.pythonTypeName)")
        }
        return text
    }

    static func strip(_ text: String, _ chars: String?, leading: Bool, trailing: Bool) -> String {
        let scalars = Array(text.unicodeScalars)
        let set = chars.map { Set($0.unicodeScalars) }
        let drop: (Unicode.Scalar) -> Bool = { set?.contains($0) ?? isPythonSpace($0) }
        var start = 0
        var end = scalars.count
        if leading { while start < end, drop(scalars[start]) { start += 1 } }
        if trailing { while end > start, drop(scalars[end - 1]) { end -= 1 } }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return String(view)
    }

    /// `str.title()`: a letter after a cased letter is lowered, others raised.
    static func title(_ text: String) -> String {
        var result = ""
        var previousCased = false
        for scalar in text.unicodeScalars {
            let character = String(scalar)
            let cased = scalar.properties.isCased
            result += previousCased ? character.lowercased() : scalar.properties.titlecaseMapping
            previousCased = cased
        }
        return result
    }

    static func capitalize(_ text: String) -> String {
        guard let first = text.unicodeScalars.first else { return "" }
        return first.properties.titlecaseMapping + String(String.UnicodeScalarView(text.unicodeScalars.dropFirst())).lowercased()
    }

    /// `str.split(sep, maxsplit)`; `sep` nil splits on runs of whitespace.
    static func split(_ text: String, _ separator: String?, _ maxSplit: Int, fromRight: Bool = false) throws -> [String] {
        if let separator {
            guard !separator.isEmpty else { throw TemplateFailure.type("empty separator") }
            var parts = text.components(separatedBy: separator)
            if maxSplit >= 0, parts.count > maxSplit + 1 {
                if fromRight {
                    let head = parts[..<(parts.count - maxSplit)].joined(separator: separator)
                    parts = [head] + parts[(parts.count - maxSplit)...]
                } else {
                    let tail = parts[maxSplit...].joined(separator: separator)
                    parts = Array(parts[..<maxSplit]) + [tail]
                }
            }
            return parts
        }
        var words: [String] = []
        var current = String.UnicodeScalarView()
        var scalars = Array(text.unicodeScalars)
        if fromRight { scalars.reverse() }
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if isPythonSpace(scalar) {
                if !current.isEmpty {
                    words.append(String(current))
                    current = String.UnicodeScalarView()
                    if maxSplit >= 0, words.count == maxSplit {
                        while index < scalars.count, isPythonSpace(scalars[index]) { index += 1 }
                        if index < scalars.count {
                            var rest = String.UnicodeScalarView()
                            rest.append(contentsOf: scalars[index...])
                            words.append(String(rest))
                        }
                        break
                    }
                }
            } else {
                current.append(scalar)
            }
            index += 1
        }
        if !current.isEmpty { words.append(String(current)) }
        if fromRight { return words.reversed().map { String(String.UnicodeScalarView($0.unicodeScalars.reversed())) } }
        return words
    }

    static func call(_ text: String, _ name: String, _ arguments: TemplateCallArguments, _ renderer: TemplateRenderer) throws -> TemplateValue {
        let args = arguments.positional
        func arg(_ index: Int, _ keyword: String) -> TemplateValue? { arguments.value(index, keyword) }
        func optionalString(_ index: Int, _ keyword: String) throws -> String? {
            guard let value = arg(index, keyword), value != .null else { return nil }
            return try string(value, name)
        }
        switch name {
        case "upper": return .string(text.uppercased())
        case "lower", "casefold": return .string(text.lowercased())
        case "title": return .string(title(text))
        case "capitalize": return .string(capitalize(text))
        case "swapcase":
            return .string(text.unicodeScalars.map { scalar in
                let character = String(scalar)
                return scalar.properties.isUppercase ? character.lowercased() : scalar.properties.isLowercase ? character.uppercased() : character
            }.joined())
        case "strip", "lstrip", "rstrip":
            return .string(strip(text, try optionalString(0, "chars"), leading: name != "rstrip", trailing: name != "lstrip"))
        case "split", "rsplit":
            let maxSplit = arg(1, "maxsplit").flatMap(TemplateRenderer.integer) ?? -1
            return .list(try split(text, try optionalString(0, "sep"), maxSplit, fromRight: name == "rsplit").map { .string($0) })
        case "splitlines":
            var lines = text.components(separatedBy: "\n")
            if lines.last == "" { lines.removeLast() }
            return .list(lines.map { .string($0) })
        case "join":
            guard let iterable = args.first else { throw TemplateFailure.type("join() takes exactly one argument (0 given)") }
            let parts = try renderer.iterate(iterable).map { item -> String in
                guard let part = item.stringValue else {
                    throw TemplateFailure.type("sequence item: expected str instance, \(item.pythonTypeName) found")
                }
                return part
            }
            let joined = parts.joined(separator: text)
            try renderer.checkSize(joined.utf8.count)
            return .string(joined)
        case "replace":
            let old = try string(arg(0, "old"), name)
            let new = try string(arg(1, "new"), name)
            let count = arg(2, "count").flatMap(TemplateRenderer.integer) ?? -1
            return .string(try TemplateFilters.replace(text, old, new, count: count, renderer))
        case "startswith", "endswith":
            guard let value = args.first else { throw TemplateFailure.type("\(name)() takes at least 1 argument (0 given)") }
            let candidates = try (value.sequenceItems ?? [value]).map { try string($0, name) }
            return .bool(candidates.contains { name == "startswith" ? text.unicodeScalars.starts(with: $0.unicodeScalars)
                : text.unicodeScalars.reversed().starts(with: $0.unicodeScalars.reversed()) })
        case "find", "rfind", "index", "rindex", "count":
            let needle = Array(try string(args.first, name).unicodeScalars)
            let haystack = Array(text.unicodeScalars)
            var positions: [Int] = []
            if needle.isEmpty {
                positions = Array(0...haystack.count)
            } else if needle.count <= haystack.count {
                var position = 0
                while position <= haystack.count - needle.count {
                    if Array(haystack[position..<(position + needle.count)]) == needle {
                        positions.append(position)
                        position += name == "count" ? needle.count : 1
                    } else {
                        position += 1
                    }
                }
            }
            if name == "count" { return .int(positions.count) }
            let found = name.hasPrefix("r") ? positions.last : positions.first
            if found == nil, name.hasSuffix("index") { throw TemplateFailure.type("substring not found") }
            return .int(found ?? -1)
        case "format":
            return .string(try PythonStringFormat.format(text, arguments, renderer))
        case "center", "ljust", "rjust":
            guard let width = args.first.flatMap(TemplateRenderer.integer) else { throw TemplateFailure.type("\(name)() needs an integer width") }
            let fill = try optionalString(1, "fillchar") ?? " "
            return .string(try TemplateFilters.pad(text, width: width, fill: fill, mode: name, renderer))
        case "zfill":
            guard let width = args.first.flatMap(TemplateRenderer.integer) else { throw TemplateFailure.type("zfill() needs an integer width") }
            let count = text.unicodeScalars.count
            guard width > count else { return .string(text) }
            try renderer.checkSize(width)
            var body = text
            var sign = ""
            if let first = body.first, first == "-" || first == "+" {
                sign = String(first)
                body.removeFirst()
            }
            return .string(sign + String(repeating: "0", count: width - count) + body)
        case "partition", "rpartition":
            let separator = try string(args.first, name)
            guard !separator.isEmpty else { throw TemplateFailure.type("empty separator") }
            guard let range = name == "partition" ? text.range(of: separator) : text.range(of: separator, options: .backwards) else {
                return name == "partition" ? .tuple([.string(text), "", ""]) : .tuple(["", "", .string(text)])
            }
            return .tuple([.string(String(text[..<range.lowerBound])), .string(separator), .string(String(text[range.upperBound...]))])
        case "removeprefix":
            let prefix = try string(args.first, name)
            return .string(text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text)
        case "removesuffix":
            let suffix = try string(args.first, name)
            return .string(!suffix.isEmpty && text.hasSuffix(suffix) ? String(text.dropLast(suffix.count)) : text)
        default:
            return .bool(predicate(text, name))
        }
    }

    private static func predicate(_ text: String, _ name: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty else { return false }
        switch name {
        case "isdigit", "isdecimal", "isnumeric": return scalars.allSatisfy { $0.properties.numericType != nil }
        case "isalpha": return scalars.allSatisfy { $0.properties.isAlphabetic }
        case "isalnum": return scalars.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil }
        case "isspace": return scalars.allSatisfy(isPythonSpace)
        case "isupper", "islower":
            let cased = scalars.filter { $0.properties.isCased }
            guard !cased.isEmpty else { return false }
            return cased.allSatisfy { name == "isupper" ? !$0.properties.isLowercase : !$0.properties.isUppercase }
        default:
            return title(text) == text && scalars.contains { $0.properties.isCased }
        }
    }
}
