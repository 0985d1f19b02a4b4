import Foundation

/// Marianne's dot paths into a tool's JSON output: `result`, `error.message`, `items[0]`,
/// `stats.models.*.tokens.prompt` (`*` is every value of a mapping). Not JSONPath: only what
/// the instruments need.
public enum JSONPath {
    /// Paths longer than this are refused (a profile's, never a tool's, input).
    static let maxSegments = 32

    /// The first value the path reaches (a wildcard tries each value in order), or nil.
    public static func first(_ path: String, in value: JSONValue) -> JSONValue? {
        all(path, in: value, limit: 1).first
    }

    /// Every value the path reaches (each wildcard branch), at most `limit`.
    public static func all(_ path: String, in value: JSONValue, limit: Int = 10_000) -> [JSONValue] {
        guard !path.isEmpty else { return [] }
        let segments = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard segments.count <= maxSegments else { return [] }
        var results: [JSONValue] = []
        collect(value, segments[...], into: &results, limit: limit)
        return results
    }

    /// Why a path cannot be used, for a profile's problem; nil when it is fine.
    public static func problem(_ path: String) -> String? {
        if path.isEmpty { return "a path must not be empty" }
        let segments = path.split(separator: ".", omittingEmptySubsequences: false)
        if segments.count > maxSegments { return "a path may have at most \(maxSegments) parts" }
        if segments.contains(where: \.isEmpty) { return "\"\(path)\" has an empty part (two dots, or a dot at an end)" }
        return nil
    }

    private static func collect(_ value: JSONValue, _ segments: ArraySlice<String>, into results: inout [JSONValue], limit: Int) {
        guard results.count < limit else { return }
        guard let segment = segments.first else {
            if value != .null { results.append(value) }
            return
        }
        let rest = segments.dropFirst()
        if segment == "*" {
            guard case .object(let object) = value else { return }
            // Values in key order: the same answer every time (Python keeps document order).
            for key in object.keys.sorted() {
                if let child = object[key] { collect(child, rest, into: &results, limit: limit) }
            }
            return
        }
        guard let child = step(value, segment) else { return }
        collect(child, rest, into: &results, limit: limit)
    }

    /// One part: `key`, or `key[N]`.
    private static func step(_ value: JSONValue, _ segment: String) -> JSONValue? {
        if segment.hasSuffix("]"), let open = segment.lastIndex(of: "["),
           let index = Int(segment[segment.index(after: open)..<segment.index(before: segment.endIndex)]) {
            let key = String(segment[..<open])
            guard case .array(let items)? = value[key], index >= 0, index < items.count else { return nil }
            return items[index]
        }
        return value[segment]
    }

    /// A token count: an integer (or a whole, finite, non-negative float), else nil.
    public static func count(_ value: JSONValue?) -> Int? {
        switch value {
        case .int(let number)?: return number >= 0 ? number : nil
        case .double(let number)?:
            guard number.isFinite, number >= 0, number < 9e15 else { return nil }
            return Int(number.rounded(.down))
        default: return nil
        }
    }

    /// The text of a value as Python's `str()` would give it for a result or message.
    public static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .double(let number): return PythonText.float(number)
        case .bool(let flag): return flag ? "True" : "False"
        case .null: return "None"
        case .array, .object:
            return (try? String(decoding: JSONValue.compactEncoder.encode(value), as: UTF8.self)) ?? ""
        }
    }
}

extension JSONValue {
    static let compactEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
