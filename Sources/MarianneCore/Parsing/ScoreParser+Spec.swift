import Yams

extension ScoreParser {
    /// Checks a value against its shape in Marianne's reference; the value itself is not kept.
    mutating func check(_ node: Node, _ spec: ValueSpec, _ path: String) {
        switch spec {
        case .any:
            return
        case .bool:
            _ = bool(node, path)
        case .string:
            _ = string(node, path)
        case .strings:
            _ = strings(node, path)
        case .int(let range):
            _ = int(node, path, in: range)
        case .number(let range, let above):
            _ = number(node, path, in: range, above: above)
        case .choice(let options):
            guard let text = string(node, path) else { return }
            if !options.contains(text) {
                report(ScoreCode.invalidValue, "\(path) \"\(text)\" is not one of \(options.joined(separator: ", "))", node,
                       hint: ScoreKeys.suggestion(for: text, in: Set(options)).map { "did you mean `\($0)`?" })
            }
        case .optional(let inner):
            if !Self.isNull(node) { check(node, inner, path) }
        case .list(let inner):
            guard case .sequence(let items) = node else {
                report(ScoreCode.wrongType, "\(path) must be a list, got \(Self.describe(node))", node)
                return
            }
            for (index, item) in items.enumerated() { check(item, inner, "\(path)[\(index)]") }
        case .fields(let fields, let required):
            guard let entries = mapping(node, path, known: Set(fields.keys)) else { return }
            for (key, _, value) in entries {
                if let inner = fields[key] { check(value, inner, "\(path).\(key)") }
            }
            for key in required.sorted() where !entries.contains(where: { $0.0 == key }) {
                report(ScoreCode.missingKey, "\(path) needs \(key)", node)
            }
        case .dictionary(let inner):
            guard case .mapping(let mapping) = node else {
                report(ScoreCode.wrongType, "\(path) must be a mapping, got \(Self.describe(node))", node)
                return
            }
            for (key, value) in mapping { check(value, inner, "\(path).\(key.string ?? "?")") }
        case .sheetMap(let inner):
            for (number, _, value) in sheetMap(node, path) { check(value, inner, "\(path).\(number)") }
        }
    }

    /// Warns that `key` (in `section`) is ignored, after checking its value.
    mutating func ignore(_ key: String, _ ignored: IgnoredKey, keyNode: Node, value: Node, path: String) {
        check(value, ignored.spec, path)
        warn(ScoreCode.ignoredKey, "\(path) is ignored: \(ignored.reason)", keyNode)
    }
}
