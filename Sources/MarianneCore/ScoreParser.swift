import Foundation
import Yams

/// Walks the YAML node tree of a score, building the `Score` and collecting every problem
/// with its line and column.
struct ScoreParser {
    var problems: [ScoreProblem] = []
    /// Where each part of the score was written, for later checks (templates, dependencies).
    var marks: [String: Mark] = [:]
    /// Line offset of the prompt template's first line in the file, and whether it is a block.
    var templateLine: Int?
    let baseDirectory: String

    init(baseDirectory: String) {
        self.baseDirectory = baseDirectory
    }

    mutating func report(_ code: String, _ message: String, _ node: Node?, hint: String? = nil, severity: ScoreProblem.Severity = .error) {
        problems.append(ScoreProblem(code: code, message: message, line: node?.mark?.line, column: node?.mark?.column, hint: hint, severity: severity))
    }

    // MARK: Typed readers

    mutating func string(_ node: Node, _ path: String) -> String? {
        guard case .scalar(let scalar) = node else {
            report(ScoreCode.wrongType, "\(path) must be a string, got \(Self.describe(node))", node)
            return nil
        }
        if scalar.style == .plain, node.null != nil {
            report(ScoreCode.wrongType, "\(path) must be a string, got nothing", node)
            return nil
        }
        return scalar.string
    }

    mutating func int(_ node: Node, _ path: String, minimum: Int? = nil) -> Int? {
        guard let value = node.int else {
            report(ScoreCode.wrongType, "\(path) must be an integer, got \(Self.describe(node))", node)
            return nil
        }
        if let minimum, value < minimum {
            report(ScoreCode.invalidValue, "\(path) must be at least \(minimum), got \(value)", node)
            return nil
        }
        return value
    }

    mutating func number(_ node: Node, _ path: String, minimum: Double? = nil) -> Double? {
        guard let value = node.float ?? node.int.map(Double.init), case .scalar(let scalar) = node, scalar.style == .plain else {
            report(ScoreCode.wrongType, "\(path) must be a number, got \(Self.describe(node))", node)
            return nil
        }
        if let minimum, value < minimum {
            report(ScoreCode.invalidValue, "\(path) must be at least \(minimum), got \(value)", node)
            return nil
        }
        return value
    }

    mutating func bool(_ node: Node, _ path: String) -> Bool? {
        guard let value = node.bool else {
            report(ScoreCode.wrongType, "\(path) must be true or false, got \(Self.describe(node))", node)
            return nil
        }
        return value
    }

    mutating func duration(_ node: Node, _ path: String) -> Double? {
        guard case .scalar(let scalar) = node else {
            report(ScoreCode.badDuration, "\(path) must be a duration like 30s, 10m, 2h, 7d", node)
            return nil
        }
        do {
            return try DurationParser.parse(scalar.string)
        } catch {
            report(ScoreCode.badDuration, "\(path): \(error)", node, hint: "write it like 90s, 10m, 1h30m or 7d")
            return nil
        }
    }

    mutating func strings(_ node: Node, _ path: String) -> [String]? {
        guard case .sequence(let sequence) = node else {
            report(ScoreCode.wrongType, "\(path) must be a list of strings", node)
            return nil
        }
        return sequence.compactMap { item in
            guard case .scalar(let scalar) = item else {
                report(ScoreCode.wrongType, "\(path) items must be strings", item)
                return nil
            }
            return scalar.string
        }
    }

    /// A mapping with string keys; unknown keys are reported (ignored ones as warnings).
    mutating func mapping(_ node: Node, _ path: String, known: Set<String>, ignored: Set<String> = []) -> [(String, Node, Node)]? {
        guard case .mapping(let mapping) = node else {
            report(ScoreCode.wrongType, "\(path) must be a mapping of keys to values, got \(Self.describe(node))", node)
            return nil
        }
        var entries: [(String, Node, Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else {
                report(ScoreCode.wrongType, "\(path) keys must be strings", keyNode)
                continue
            }
            let name = key.string
            let full = path.isEmpty ? name : "\(path).\(name)"
            if known.contains(name) {
                entries.append((name, keyNode, value))
            } else if ignored.contains(name) {
                report(ScoreCode.ignoredKey, "\(full) is not supported here and is ignored", keyNode, severity: .warning)
            } else {
                let hint = ScoreKeys.suggestion(for: name, in: known).map { "did you mean `\($0)`?" }
                    ?? "known keys: \(known.sorted().joined(separator: ", "))"
                report(ScoreCode.unknownKey, "unknown key \(full)", keyNode, hint: hint)
            }
        }
        return entries
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): return scalar.string.isEmpty ? "nothing" : "\"\(scalar.string)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// Any YAML value as a template value (depth-limited).
    mutating func templateValue(_ node: Node, depth: Int = 0) -> TemplateValue {
        guard depth < 32 else {
            report(ScoreCode.hostileInput, "prompt.variables are nested too deeply", node)
            return .null
        }
        switch node {
        case .scalar(let scalar):
            if scalar.style != .plain { return .string(scalar.string) }
            if node.null != nil { return .null }
            if let value = node.bool { return .bool(value) }
            if let value = node.int { return .int(value) }
            if let value = node.float { return .double(value) }
            return .string(scalar.string)
        case .sequence(let sequence):
            return .list(sequence.map { templateValue($0, depth: depth + 1) })
        case .mapping(let mapping):
            var map: [String: TemplateValue] = [:]
            for (key, value) in mapping {
                map[key.string ?? ""] = templateValue(value, depth: depth + 1)
            }
            return .map(map)
        case .alias:
            return .null
        }
    }
}
