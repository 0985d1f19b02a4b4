import Foundation
import Yams

/// Typed reads from a profile's YAML nodes. Every problem is kept with the file, the field
/// and its line; reads return nil (or a default) so that every problem of a file is found at once.
struct ProfileReader {
    let file: String
    var problems: [InstrumentProfileProblem] = []

    init(file: String) {
        self.file = file
    }

    mutating func report(_ field: String, _ message: String, _ node: Node?) {
        problems.append(InstrumentProfileProblem(
            file: file, field: field, message: message, line: node?.mark?.line, column: node?.mark?.column
        ))
    }

    /// The entries of a mapping; unknown keys are problems (with the closest known key).
    mutating func mapping(_ node: Node, _ field: String, known: Set<String>) -> [String: Node]? {
        guard case .mapping(let mapping) = node else {
            report(field, "must be a mapping, got \(Self.describe(node))", node)
            return nil
        }
        var entries: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else {
                report(field, "keys must be strings", keyNode)
                continue
            }
            let name = key.string
            let path = field.isEmpty ? name : "\(field).\(name)"
            guard known.contains(name) else {
                let hint = ScoreKeys.suggestion(for: name, in: known).map { "; did you mean `\($0)`?" }
                    ?? "; known keys: \(known.sorted().joined(separator: ", "))"
                report(path, "unknown key" + hint, keyNode)
                continue
            }
            entries[name] = value
        }
        return entries
    }

    static func isNull(_ node: Node?) -> Bool {
        guard let node else { return true }
        if case .scalar(let scalar) = node, scalar.style == .plain, node.null != nil { return true }
        return false
    }

    /// A string; nil (no problem) when absent or null, unless `required`.
    mutating func string(_ node: Node?, _ field: String, required: Bool = false, nonEmpty: Bool = false) -> String? {
        guard let node, !Self.isNull(node) else {
            if required { report(field, "is required", node) }
            return nil
        }
        guard case .scalar(let scalar) = node else {
            report(field, "must be a string, got \(Self.describe(node))", node)
            return nil
        }
        if nonEmpty, scalar.string.isEmpty {
            report(field, "must not be empty", node)
            return nil
        }
        guard scalar.string.utf8.count <= ProfileReader.maxStringBytes else {
            report(field, "is longer than \(ProfileReader.maxStringBytes) bytes", node)
            return nil
        }
        return scalar.string
    }

    mutating func bool(_ node: Node?, _ field: String) -> Bool? {
        guard let node, !Self.isNull(node) else { return nil }
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = node.bool else {
            report(field, "must be true or false, got \(Self.describe(node))", node)
            return nil
        }
        return value
    }

    /// An integer in `range` (integral floats accepted, as Python does).
    mutating func int(_ node: Node?, _ field: String, in range: ClosedRange<Int>, required: Bool = false) -> Int? {
        guard let node, !Self.isNull(node) else {
            if required { report(field, "is required", node) }
            return nil
        }
        guard case .scalar(let scalar) = node, scalar.style == .plain, node.bool == nil,
              let value = node.int ?? node.float.flatMap({ $0.isFinite && $0 == $0.rounded() && abs($0) < 1e15 ? Int(exactly: $0) : nil }) else {
            report(field, "must be an integer, got \(Self.describe(node))", node)
            return nil
        }
        guard range.contains(value) else {
            report(field, "must be from \(range.lowerBound) to \(range.upperBound), got \(value)", node)
            return nil
        }
        return value
    }

    /// A finite number in `range`; `above` makes the lower bound exclusive.
    mutating func number(_ node: Node?, _ field: String, in range: ClosedRange<Double>, above: Bool = false, required: Bool = false) -> Double? {
        guard let node, !Self.isNull(node) else {
            if required { report(field, "is required", node) }
            return nil
        }
        guard case .scalar(let scalar) = node, scalar.style == .plain, node.bool == nil,
              let value = node.int.map(Double.init) ?? node.float, value.isFinite else {
            report(field, "must be a finite number, got \(Self.describe(node))", node)
            return nil
        }
        let low = above ? value > range.lowerBound : value >= range.lowerBound
        guard low, value <= range.upperBound else {
            let lower = above ? "greater than \(ScoreParser.format(range.lowerBound))" : "at least \(ScoreParser.format(range.lowerBound))"
            report(field, "must be \(lower) and at most \(ScoreParser.format(range.upperBound)), got \(scalar.string)", node)
            return nil
        }
        return value
    }

    /// A list of strings (at most `maxListItems`).
    mutating func strings(_ node: Node?, _ field: String) -> [String]? {
        guard let node, !Self.isNull(node) else { return nil }
        guard case .sequence(let items) = node else {
            report(field, "must be a list of strings, got \(Self.describe(node))", node)
            return nil
        }
        guard items.count <= ProfileReader.maxListItems else {
            report(field, "has \(items.count) items; at most \(ProfileReader.maxListItems)", node)
            return nil
        }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            if let text = string(item, "\(field)[\(index)]", required: true) { result.append(text) }
        }
        return result
    }

    /// Regular expressions, each checked (Python's spelling accepted).
    mutating func patterns(_ node: Node?, _ field: String) -> [String]? {
        guard let list = strings(node, field) else { return nil }
        guard case .sequence(let items)? = node else { return list }
        for (index, pattern) in list.enumerated() where (try? NSRegularExpression(pattern: PythonRegex.translate(pattern))) == nil {
            report("\(field)[\(index)]", "\"\(pattern)\" is not a valid regular expression", index < items.count ? items[index] : node)
        }
        return list
    }

    /// A mapping of strings to strings.
    mutating func stringMap(_ node: Node?, _ field: String) -> [String: String]? {
        guard let node, !Self.isNull(node) else { return nil }
        guard case .mapping(let mapping) = node else {
            report(field, "must be a mapping of strings, got \(Self.describe(node))", node)
            return nil
        }
        var result: [String: String] = [:]
        for (key, value) in mapping {
            guard let name = key.string else {
                report(field, "keys must be strings", key)
                continue
            }
            if let text = string(value, "\(field).\(name)", required: true) { result[name] = text }
        }
        return result
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): return scalar.string.isEmpty ? "nothing" : "\"\(scalar.string.prefix(80))\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    static let maxStringBytes = 64 * 1024
    static let maxListItems = 1000
}
