import Foundation

/// Jinja2's built-in filters (as in `jinja2.filters.FILTERS`), plus `quote` for shell
/// commands. `random` and `urlize` are not provided.
enum TemplateFilters {
    typealias Filter = @Sendable (TemplateValue, TemplateCallArguments, TemplateRenderer) throws -> TemplateValue

    static func isKnown(_ name: String) -> Bool { table[name] != nil }

    static func apply(_ name: String, _ value: TemplateValue, _ arguments: TemplateCallArguments, _ renderer: TemplateRenderer) throws -> TemplateValue {
        guard let filter = table[name] else { throw TemplateFailure.type("No filter named '\(name)'.") }
        return try filter(value, arguments, renderer)
    }

    static let table: [String: Filter] = {
        var table: [String: Filter] = [:]
        for (name, filter) in stringFilters { table[name] = filter }
        for (name, filter) in collectionFilters { table[name] = filter }
        table["count"] = table["length"]
        table["d"] = table["default"]
        table["e"] = table["escape"]
        return table
    }()

    /// `str(value)` as filters see it; a strict undefined value is an error.
    static func text(_ value: TemplateValue, _ renderer: TemplateRenderer) throws -> String { try renderer.printed(value) }

    static func integerArgument(_ arguments: TemplateCallArguments, _ position: Int, _ name: String, _ fallback: Int) throws -> Int {
        guard let value = arguments.value(position, name) else { return fallback }
        guard let number = TemplateRenderer.integer(value) else {
            throw TemplateFailure.type("'\(name)' must be an integer, not \(value.pythonTypeName)")
        }
        return number
    }

    static func boolArgument(_ arguments: TemplateCallArguments, _ position: Int, _ name: String, _ renderer: TemplateRenderer) throws -> Bool {
        guard let value = arguments.value(position, name) else { return false }
        return try renderer.truth(value)
    }

    /// HTML escaping as markupsafe does it.
    static func escapeText(_ text: String, alreadySafe: Bool) -> String {
        guard !alreadySafe else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "'": result += "&#39;"
            case "\"": result += "&#34;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func replace(_ text: String, _ old: String, _ new: String, count: Int, _ renderer: TemplateRenderer) throws -> String {
        if count == 0 { return text }
        var result = ""
        if old.isEmpty {
            var inserted = 0
            for scalar in text.unicodeScalars {
                if count < 0 || inserted < count {
                    result += new
                    inserted += 1
                }
                result.unicodeScalars.append(scalar)
            }
            if count < 0 || inserted < count { result += new }
        } else {
            var rest = Substring(text)
            var replaced = 0
            while count < 0 || replaced < count, let range = rest.range(of: old, options: .literal) {
                result += rest[..<range.lowerBound]
                result += new
                rest = rest[range.upperBound...]
                replaced += 1
                try renderer.checkSize(result.utf8.count)
            }
            result += rest
        }
        try renderer.checkSize(result.utf8.count)
        return result
    }

    /// `str.center`, `ljust` and `rjust`.
    static func pad(_ text: String, width: Int, fill: String, mode: String, _ renderer: TemplateRenderer) throws -> String {
        guard fill.unicodeScalars.count == 1 else { throw TemplateFailure.type("The fill character must be exactly one character long") }
        let length = text.unicodeScalars.count
        guard width > length else { return text }
        let (bytes, overflowed) = width.multipliedReportingOverflow(by: fill.utf8.count)
        try renderer.checkSize(overflowed ? Int.max : bytes)
        let padding = width - length
        switch mode {
        case "ljust": return text + String(repeating: fill, count: padding)
        case "rjust": return String(repeating: fill, count: padding) + text
        default:
            let left = padding / 2 + (padding & width & 1)
            return String(repeating: fill, count: left) + text + String(repeating: fill, count: padding - left)
        }
    }

    /// Python's `str.splitlines()`.
    static func splitLines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var previousCR = false
        for scalar in text.unicodeScalars {
            if previousCR {
                previousCR = false
                if scalar == "\n" { continue }
            }
            switch scalar.value {
            case 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029:
                lines.append(String(current))
                current = String.UnicodeScalarView()
                previousCR = scalar == "\r"
            default:
                current.append(scalar)
            }
        }
        if !current.isEmpty { lines.append(String(current)) }
        return lines
    }

    /// POSIX shell quoting: `'...'` with `'\''` for quotes; safe words stay as they are.
    static func shellQuote(_ text: String) -> String {
        if !text.isEmpty, text.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_./=:,+@%".unicodeScalars.contains($0)) }) {
            return text
        }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
