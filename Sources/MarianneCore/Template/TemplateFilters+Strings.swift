import BigInt
import Foundation

/// Filters on text and numbers.
extension TemplateFilters {
    static let stringFilters: [String: Filter] = [
        "upper": { value, _, r in .string(try text(value, r).uppercased()) },
        "lower": { value, _, r in .string(try text(value, r).lowercased()) },
        "capitalize": { value, _, r in .string(TemplateStringMethods.capitalize(try text(value, r))) },
        "title": { value, _, r in .string(titleFilter(try text(value, r))) },
        "trim": { value, args, r in
            let chars = try args.value(0, "chars").flatMap { $0 == .null ? nil : try text($0, r) }
            return .string(TemplateStringMethods.strip(try text(value, r), chars, leading: true, trailing: true))
        },
        "string": { value, _, r in value.isMarkup ? value : .string(try text(value, r)) },
        "safe": { value, _, r in value.isMarkup ? value : .markup(try text(value, r)) },
        "escape": { value, _, r in value.isMarkup ? value : .markup(escapeText(try text(value, r), alreadySafe: false)) },
        "forceescape": { value, _, r in .markup(escapeText(try text(value, r), alreadySafe: false)) },
        "quote": { value, _, r in .string(shellQuote(try text(value, r))) },
        "replace": { value, args, r in
            guard let old = args.value(0, "old"), let new = args.value(1, "new") else { throw TemplateFailure.type("replace() needs old and new") }
            let count = try args.value(2, "count").map { $0 == .null ? -1 : try integerArgument(args, 2, "count", -1) } ?? -1
            let result = try replace(try text(value, r), try text(old, r), try text(new, r), count: count, r)
            return value.isMarkup ? .markup(result) : .string(result)
        },
        "center": { value, args, r in
            .string(try pad(try text(value, r), width: try integerArgument(args, 0, "width", 80), fill: " ", mode: "center", r))
        },
        "indent": indent,
        "truncate": truncate,
        "wordcount": { value, _, r in
            .int(try text(value, r).unicodeScalars.split { !($0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_") }.count)
        },
        "wordwrap": wordwrap,
        "striptags": striptags,
        "format": { value, args, r in
            let format = try text(value, r)
            if !args.keywords.isEmpty {
                return .string(try PythonPercentFormat.format(format, .map(TemplateMap(args.keywords.map { (.string($0.name), $0.value) })), strict: r.strict))
            }
            return .string(try PythonPercentFormat.format(format, .tuple(args.positional), strict: r.strict))
        },
        "int": intFilter,
        "float": { value, args, r in
            let fallback = args.value(0, "default") ?? .double(0)
            switch value {
            case .double: return value
            case .int(let number): return .double(Double(number))
            case .bigInt(let number):
                let converted = Double(number)
                guard converted.isFinite else { throw TemplateFailure.type("int too large to convert to float") }
                return .double(converted)
            case .bool(let flag): return .double(flag ? 1 : 0)
            case .string(let text), .markup(let text): return parseFloat(text).map { .double($0) } ?? fallback
            case .undefined(let undefined): throw TemplateFailure.undefined(undefined)
            default: return fallback
            }
        },
        "abs": { value, _, _ in
            switch value {
            case .int(let number):
                guard number != Int.min else { return .bigInt(-BigInt(number)) }
                return .int(abs(number))
            case .bigInt(let number): return .bigInt(BigInt(number.magnitude))
            case .bool(let flag): return .int(flag ? 1 : 0)
            case .double(let number): return .double(abs(number))
            case .undefined(let undefined): throw TemplateFailure.undefined(undefined)
            default: throw TemplateFailure.type("bad operand type for abs(): '\(value.pythonTypeName)'")
            }
        },
        "round": roundFilter,
        "filesizeformat": filesizeformat,
        "urlencode": urlencode,
        "tojson": { value, args, _ in
            let indent = try args.value(0, "indent").map { $0 == .null ? nil : try integerArgument(args, 0, "indent", 0) } ?? nil
            return .markup(try TemplateJSON.encode(value, indent: indent))
        },
        "pprint": { value, _, _ in .string(prettyRepr(value)) },
        "xmlattr": xmlattr,
        "random": { _, _, _ in throw TemplateFailure.type("the random filter is not supported: templates must render the same way every time") },
        "urlize": { _, _, _ in throw TemplateFailure.type("the urlize filter is not supported") },
    ]

    /// `pprint.pformat` for values that fit on a line: `repr` with dict keys sorted.
    static func prettyRepr(_ value: TemplateValue, depth: Int = 0) -> String {
        if depth > TemplateRenderer.maxNesting { return "..." }
        let inner = { (item: TemplateValue) in prettyRepr(item, depth: depth + 1) }
        switch value {
        case .list(let items): return "[" + items.map(inner).joined(separator: ", ") + "]"
        case .tuple(let items):
            return items.count == 1 ? "(" + inner(items[0]) + ",)" : "(" + items.map(inner).joined(separator: ", ") + ")"
        case .map(let map):
            let pairs = zip(map.keys, map.values).sorted { left, right in
                if let order = TemplateRenderer.order(left.0, right.0) { return order == .orderedAscending }
                return left.0.pythonTypeName < right.0.pythonTypeName
            }
            return "{" + pairs.map { inner($0.0) + ": " + inner($0.1) }.joined(separator: ", ") + "}"
        default: return value.pythonRepr
        }
    }

    /// Jinja2's `title`: each word (after whitespace, `-`, `(`, `{`, `[`, `<`) gets an upper
    /// first letter and lower rest.
    static func titleFilter(_ text: String) -> String {
        var result = ""
        var atWordStart = true
        for scalar in text.unicodeScalars {
            let separator = TemplateLexer.isSpace(scalar) || "-({[<".unicodeScalars.contains(scalar)
            if separator {
                result.unicodeScalars.append(scalar)
                atWordStart = true
            } else {
                result += atWordStart ? String(scalar).uppercased() : String(scalar).lowercased()
                atWordStart = false
            }
        }
        return result
    }

    static func parseFloat(_ raw: String) -> Double? {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "_", with: "")
        switch text.lowercased() {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan", "+nan", "-nan": return .nan
        default: break
        }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }) else { return nil }
        return Double(text)
    }

    /// Python's `int(text, base)`.
    static func parseInt(_ raw: String, base: Int) -> TemplateValue? {
        var text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        var negative = false
        if let first = text.first, first == "-" || first == "+" {
            negative = first == "-"
            text.removeFirst()
        }
        var radix = base
        let lower = text.lowercased()
        for (prefix, value) in [("0x", 16), ("0o", 8), ("0b", 2)] where lower.hasPrefix(prefix) && (base == 0 || base == value) {
            radix = value
            text.removeFirst(2)
            if text.hasPrefix("_") { text.removeFirst() }
        }
        if radix == 0 { radix = 10 }
        guard !text.isEmpty, !text.hasPrefix("_"), !text.hasSuffix("_"), !text.contains("__") else { return nil }
        guard (2...36).contains(radix), let magnitude = BigInt(text.replacingOccurrences(of: "_", with: ""), radix: radix) else { return nil }
        return TemplateValue.integer(negative ? -magnitude : magnitude)
    }

    private static func intFilter(_ value: TemplateValue, _ args: TemplateCallArguments, _ r: TemplateRenderer) throws -> TemplateValue {
        let fallback = args.value(0, "default") ?? .int(0)
        let base = try integerArgument(args, 1, "base", 10)
        func fromFloat(_ number: Double) throws -> TemplateValue {
            if number.isNaN { return fallback }
            guard number.isFinite else { throw TemplateFailure.type("cannot convert float infinity to integer") }
            if let integer = Int(exactly: number.rounded(.towardZero)) { return .int(integer) }
            guard let big = BigInt(exactly: number.rounded(.towardZero)), let result = TemplateValue.integer(big) else {
                throw TemplateFailure.type("cannot convert float \(PythonFormat.float(number)) to integer")
            }
            return result
        }
        switch value {
        case .int, .bigInt: return value
        case .bool(let flag): return .int(flag ? 1 : 0)
        case .double(let number): return try fromFloat(number)
        case .string(let text), .markup(let text):
            if let integer = parseInt(text, base: base) { return integer }
            if let number = parseFloat(text) { return try fromFloat(number) }
            return fallback
        case .undefined(let undefined): throw TemplateFailure.undefined(undefined)
        default: return fallback
        }
    }

    private static func roundFilter(_ value: TemplateValue, _ args: TemplateCallArguments, _ r: TemplateRenderer) throws -> TemplateValue {
        let precision = try integerArgument(args, 0, "precision", 0)
        let method = try args.value(1, "method").map { try text($0, r) } ?? "common"
        guard ["common", "ceil", "floor"].contains(method) else { throw TemplateFailure.type("method must be common, ceil or floor") }
        if case .undefined(let undefined) = value { throw TemplateFailure.undefined(undefined) }
        if method == "common", case .bigInt = value, precision >= 0 { return value }
        if method == "common", let integer = TemplateRenderer.integer(value) {
            guard precision < 0 else { return .int(integer) }
            guard precision > -19 else { return .int(0) }
            var unit = 1
            for _ in 0..<(-precision) { unit *= 10 }
            var (quotient, remainder) = integer.quotientAndRemainder(dividingBy: unit)
            if remainder < 0 {
                quotient -= 1
                remainder += unit
            }
            if remainder * 2 > unit || (remainder * 2 == unit && quotient % 2 != 0) { quotient += 1 }
            let (result, overflowed) = quotient.multipliedReportingOverflow(by: unit)
            if overflowed { throw TemplateOperators.overflow("round") }
            return .int(result)
        }
        guard let number = value.numberValue else { throw TemplateFailure.type("type \(value.pythonTypeName) doesn't define __round__ method") }
        guard number.isFinite else {
            if method == "common" { return .double(number) }
            throw TemplateFailure.type("cannot convert float \(PythonFormat.float(number)) to integer")
        }
        let scale = pow(10.0, Double(precision))
        switch method {
        case "ceil": return .double((number * scale).rounded(.up) / scale)
        case "floor": return .double((number * scale).rounded(.down) / scale)
        default:
            if precision >= 0 {
                return .double(Double(String(format: "%.\(min(precision, 300))f", number)) ?? number)
            }
            return .double((number / pow(10.0, Double(-precision))).rounded(.toNearestOrEven) * pow(10.0, Double(-precision)))
        }
    }

    private static func indent(_ value: TemplateValue, _ args: TemplateCallArguments, _ r: TemplateRenderer) throws -> TemplateValue {
        var indentation = "    "
        if let width = args.value(0, "width") {
            if let text = width.stringValue {
                indentation = text
            } else {
                let count = try integerArgument(args, 0, "width", 4)
                try r.checkSize(count)
                indentation = String(repeating: " ", count: max(0, count))
            }
        }
        let first = try boolArgument(args, 1, "first", r)
        let blank = try boolArgument(args, 2, "blank", r)
        var lines = splitLines(try text(value, r) + "\n")
        var result: String
        if blank {
            result = lines.joined(separator: "\n" + indentation)
        } else {
            result = lines.isEmpty ? "" : lines.removeFirst()
            if !lines.isEmpty { result += "\n" + lines.map { $0.isEmpty ? $0 : indentation + $0 }.joined(separator: "\n") }
        }
        if first { result = indentation + result }
        try r.checkSize(result.utf8.count)
        return value.isMarkup ? .markup(result) : .string(result)
    }

    private static func truncate(_ value: TemplateValue, _ args: TemplateCallArguments, _ r: TemplateRenderer) throws -> TemplateValue {
        let source = try text(value, r)
        let length = try integerArgument(args, 0, "length", 255)
        let killWords = try boolArgument(args, 1, "killwords", r)
        let end = try args.value(2, "end").map { try text($0, r) } ?? "..."
        let leeway = try args.value(3, "leeway").map { $0 == .null ? 5 : try integerArgument(args, 3, "leeway", 5) } ?? 5
        let scalars = Array(source.unicodeScalars)
        let endCount = end.unicodeScalars.count
        guard length >= endCount else { throw TemplateFailure.type("expected length >= \(endCount), got \(length)") }
        guard leeway >= 0 else { throw TemplateFailure.type("expected leeway >= 0, got \(leeway)") }
        if scalars.count <= length.addingReportingOverflow(leeway).partialValue || length > Int.max - leeway { return .string(source) }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[..<(length - endCount)])
        var kept = String(view)
        if !killWords, let space = kept.range(of: " ", options: .backwards) { kept = String(kept[..<space.lowerBound]) }
        return .string(kept + end)
    }

    private static func wordwrap(_ value: TemplateValue, _ args: TemplateCallArguments, _ r: TemplateRenderer) throws -> TemplateValue {
        let source = try text(value, r)
        let width = try integerArgument(args, 0, "width", 79)
        guard width > 0 else { throw TemplateFailure.type("invalid width \(width) (must be > 0)") }
        let breakLong = try args.value(1, "break_long_words").map { try r.truth($0) } ?? true
        let wrap = try args.value(2, "wrapstring").flatMap { $0 == .null ? nil : try text($0, r) } ?? "\n"
        var wrapped: [String] = []
        for paragraph in splitLines(source) {
            var lines: [String] = []
            var line = ""
            for var word in paragraph.split(whereSeparator: { TemplateLexer.isSpace($0.unicodeScalars.first!) }).map(String.init) {
                while true {
                    let candidateLength = line.isEmpty ? word.count : line.count + 1 + word.count
                    if candidateLength <= width {
                        line = line.isEmpty ? word : line + " " + word
                        break
                    }
                    if !line.isEmpty {
                        lines.append(line)
                        line = ""
                        continue
                    }
                    if breakLong {
                        lines.append(String(word.prefix(width)))
                        word = String(word.dropFirst(width))
                        if word.isEmpty { break }
                    } else {
                        line = word
                        break
                    }
                }
            }
            if !line.isEmpty { lines.append(line) }
            wrapped.append(lines.joined(separator: wrap))
        }
        return .string(wrapped.joined(separator: wrap))
    }

    private static func striptags(_ value: TemplateValue, _ args: TemplateCallArguments, _ r: TemplateRenderer) throws -> TemplateValue {
        var source = try text(value, r)
        for pattern in ["<!--.*?-->", "<.*?>"] {
            source = source.replacingOccurrences(of: pattern, with: "", options: .regularExpression)
        }
        let entities = ["&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#34;": "\"", "&#39;": "'", "&amp;": "&"]
        for (entity, replacement) in entities { source = source.replacingOccurrences(of: entity, with: replacement) }
        return .string(try TemplateStringMethods.split(source, nil, -1).joined(separator: " "))
    }

    private static func filesizeformat(_ value: TemplateValue, _ args: TemplateCallArguments, _ r: TemplateRenderer) throws -> TemplateValue {
        let bytes: Double
        if let number = value.numberValue {
            bytes = number
        } else if let text = value.stringValue, let number = parseFloat(text) {
            bytes = number
        } else {
            throw TemplateFailure.type("could not convert \(value.pythonTypeName) to float")
        }
        let binary = try boolArgument(args, 0, "binary", r)
        let base = binary ? 1024.0 : 1000.0
        let prefixes = binary ? ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"] : ["kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
        if bytes == 1 { return "1 Byte" }
        if bytes < base {
            guard bytes.isFinite, let whole = Int(exactly: bytes.rounded(.towardZero)) else { throw TemplateFailure.type("cannot convert float to integer") }
            return .string("\(whole) Bytes")
        }
        var unit = base
        for prefix in prefixes {
            unit *= base
            if bytes < unit || prefix == prefixes.last { return .string(String(format: "%.1f ", base * bytes / unit) + prefix) }
        }
        return .string("")
    }

    private static func urlencode(_ value: TemplateValue, _ args: TemplateCallArguments, _ r: TemplateRenderer) throws -> TemplateValue {
        func quote(_ text: String, query: Bool) -> String {
            var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-~")
            if !query { allowed.insert("/") }
            let encoded = text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
            return query ? encoded.replacingOccurrences(of: "%20", with: "+") : encoded
        }
        switch value {
        case .map(let map):
            return .string(try zip(map.keys, map.values).map { "\(quote(try text($0, r), query: true))=\(quote(try text($1, r), query: true))" }.joined(separator: "&"))
        case .list(let items), .tuple(let items):
            return .string(try items.map { item in
                let pair = try r.iterate(item)
                guard pair.count == 2 else { throw TemplateFailure.type("urlencode needs pairs") }
                return "\(quote(try text(pair[0], r), query: true))=\(quote(try text(pair[1], r), query: true))"
            }.joined(separator: "&"))
        default:
            return .string(quote(try text(value, r), query: false))
        }
    }

    private static func xmlattr(_ value: TemplateValue, _ args: TemplateCallArguments, _ r: TemplateRenderer) throws -> TemplateValue {
        guard case .map(let map) = value else { throw TemplateFailure.type("xmlattr needs a mapping") }
        let autospace = try args.value(0, "autospace").map { try r.truth($0) } ?? true
        var parts: [String] = []
        for (key, item) in zip(map.keys, map.values) {
            if item == .null || item.isUndefined { continue }
            let name = try text(key, r)
            if name.unicodeScalars.contains(where: { TemplateLexer.isSpace($0) || "/>=".unicodeScalars.contains($0) }) {
                throw TemplateFailure.type("Invalid character in attribute name: \(PythonFormat.stringRepr(name))")
            }
            parts.append("\(escapeText(name, alreadySafe: false))=\"\(escapeText(try text(item, r), alreadySafe: item.isMarkup))\"")
        }
        let joined = parts.joined(separator: " ")
        return .markup(autospace && !joined.isEmpty ? " " + joined : joined)
    }
}
