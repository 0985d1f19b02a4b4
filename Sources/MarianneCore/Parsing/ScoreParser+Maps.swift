import Foundation
import Yams

extension ScoreParser {
    /// A mapping with string keys. Keys of Marianne's reference that this project ignores
    /// (looked up in `section` of `MarianneReference.ignored`) are checked and give W001;
    /// other unknown keys are V002 with the closest known key.
    mutating func mapping(_ node: Node, _ path: String, known: Set<String>, section: String? = nil) -> [(String, Node, Node)]? {
        guard case .mapping(let mapping) = node else {
            report(ScoreCode.wrongType, "\(path.isEmpty ? "the score" : path) must be a mapping of keys to values, got \(Self.describe(node))", node)
            return nil
        }
        let ignored = section.flatMap { MarianneReference.ignored[$0] } ?? [:]
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
            } else if let entry = ignored[name] {
                ignore(name, entry, keyNode: keyNode, value: value, path: full)
            } else {
                let candidates = known.union(ignored.keys)
                let hint = ScoreKeys.suggestion(for: name, in: candidates).map { "did you mean `\($0)`?" }
                    ?? "known keys: \(candidates.sorted().joined(separator: ", "))"
                report(ScoreCode.unknownKey, "unknown key \(full)", keyNode, hint: hint)
            }
        }
        return entries
    }

    /// A mapping whose keys are sheet, stage or movement numbers (at least 1). Quoted
    /// numbers are accepted, as Python does.
    mutating func sheetMap(_ node: Node, _ path: String) -> [(Int, Node, Node)] {
        guard case .mapping(let mapping) = node else {
            report(ScoreCode.wrongType, "\(path) must be a mapping of sheet numbers, got \(Self.describe(node))", node)
            return []
        }
        var result: [(Int, Node, Node)] = []
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key, let number = key.int ?? Int(scalar.string.trimmingCharacters(in: .whitespaces)) else {
                report(ScoreCode.wrongType, "\(path) keys must be sheet numbers, got \(Self.describe(key))", key)
                continue
            }
            guard number >= 1 else {
                report(ScoreCode.invalidValue, "\(path) keys must be at least 1, got \(number)", key)
                continue
            }
            result.append((number, key, value))
        }
        return result
    }

    /// A mapping from any string keys.
    mutating func stringMap(_ node: Node, _ path: String) -> [(String, Node, Node)] {
        guard case .mapping(let mapping) = node else {
            report(ScoreCode.wrongType, "\(path) must be a mapping, got \(Self.describe(node))", node)
            return []
        }
        return mapping.compactMap { key, value in
            guard case .scalar(let scalar) = key else {
                report(ScoreCode.wrongType, "\(path) keys must be strings", key)
                return nil
            }
            return (scalar.string, key, value)
        }
    }

    /// A free-form configuration value (instrument configs). Numbers must be finite.
    mutating func jsonValue(_ node: Node, _ path: String, depth: Int = 0) -> JSONValue {
        guard depth < ScoreLoader.maxDepth else {
            report(ScoreCode.hostileInput, "\(path) is nested too deeply", node)
            return .null
        }
        switch node {
        case .scalar(let scalar):
            if scalar.style != .plain { return .string(scalar.string) }
            if node.null != nil { return .null }
            if let value = node.bool { return .bool(value) }
            if let value = node.int { return .int(value) }
            if let value = node.float {
                guard value.isFinite else {
                    report(ScoreCode.invalidValue, "\(path) must be a finite number, got \(scalar.string)", node)
                    return .null
                }
                return .double(value)
            }
            return .string(scalar.string)
        case .sequence(let items):
            return .array(items.enumerated().map { jsonValue($1, "\(path)[\($0)]", depth: depth + 1) })
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (key, value) in mapping {
                let name = key.string ?? ""
                object[name] = jsonValue(value, "\(path).\(name)", depth: depth + 1)
            }
            return .object(object)
        case .alias:
            return .null
        }
    }

    /// A configuration mapping (`instrument_config`, `instruments.X.config`).
    mutating func config(_ node: Node, _ path: String) -> [String: JSONValue] {
        if Self.isNull(node) { return [:] }
        guard case .mapping = node, case .object(let object) = jsonValue(node, path) else {
            report(ScoreCode.wrongType, "\(path) must be a mapping of settings, got \(Self.describe(node))", node)
            return [:]
        }
        return object
    }
}
