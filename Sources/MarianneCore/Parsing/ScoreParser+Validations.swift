import Foundation
import Yams

extension ScoreParser {
    mutating func parseValidations(_ node: Node) -> [ValidationRule] {
        if Self.isNull(node) { return [] }
        guard case .sequence(let items) = node else {
            report(ScoreCode.wrongType, "validations must be a list", node)
            return []
        }
        var rules: [ValidationRule] = []
        for (index, item) in items.enumerated() {
            if let rule = parseValidation(item, "validations[\(index)]") {
                marks["validations[\(rules.count)]"] = item.mark
                rules.append(rule)
            }
        }
        return rules
    }

    mutating func parseValidation(_ item: Node, _ path: String) -> ValidationRule? {
        guard let entries = mapping(item, path, known: ScoreKeys.validation) else { return nil }
        var type: ValidationType?
        var rule = ValidationRule(type: .fileExists)
        var typeNode: Node?
        var condition: String?
        var sheet: Int?
        for (key, _, value) in entries {
            let field = "\(path).\(key)"
            if Self.isNull(value), key != "type" { continue }
            switch key {
            case "type":
                typeNode = value
                guard let text = string(value, field) else { continue }
                type = ValidationType(rawValue: text)
                if type == nil {
                    let known = Set(ValidationType.allCases.map(\.rawValue))
                    report(ScoreCode.unknownValidationType, "\(field) \"\(text)\" is not a validation type", value,
                           hint: ScoreKeys.suggestion(for: text, in: known).map { "did you mean `\($0)`?" } ?? "use one of \(known.sorted().joined(separator: ", "))")
                }
            case "path": rule.path = string(value, field)
            case "pattern": rule.pattern = string(value, field)
            case "command": rule.command = string(value, field)
            case "description": rule.description = string(value, field)
            case "working_directory": rule.workingDirectory = string(value, field)
            case "stage": rule.stage = int(value, field, in: 1...10) ?? 1
            case "timeout_seconds": rule.timeoutSeconds = seconds(value, field, above: true) ?? rule.timeoutSeconds
            case "condition":
                condition = string(value, field)
                if let condition { checkCondition(condition, value, field) }
            case "sheet": sheet = int(value, field, in: 1...Int.max)
            case "retry_count": rule.retryCount = int(value, field, in: 0...10) ?? rule.retryCount
            case "retry_delay_ms": rule.retryDelayMilliseconds = int(value, field, in: 0...ScoreLimits.maxDelayMilliseconds) ?? rule.retryDelayMilliseconds
            default: break
            }
        }
        rule.sheet = sheet
        rule.condition = condition ?? sheet.map { "sheet_num == \($0)" }
        guard let type else {
            if typeNode == nil { report(ScoreCode.missingKey, "\(path) needs a type", item) }
            return nil
        }
        rule.type = type
        let needsPath = type != .commandSucceeds
        let needsPattern = type == .contentContains || type == .contentRegex
        if needsPath, rule.path == nil { report(ScoreCode.validationField, "\(path) (\(type.rawValue)) needs a path", item) }
        if needsPattern, rule.pattern == nil { report(ScoreCode.validationField, "\(path) (\(type.rawValue)) needs a pattern", item) }
        if type == .commandSucceeds, rule.command == nil { report(ScoreCode.validationField, "\(path) (command_succeeds) needs a command", item) }
        if type == .contentRegex, let pattern = rule.pattern { checkRegex(PythonRegex.translate(pattern), item, "\(path).pattern") }
        return rule
    }

    /// Parts of a condition Marianne does not understand make the rule apply to every sheet
    /// (as there); say so.
    mutating func checkCondition(_ condition: String, _ node: Node, _ path: String) {
        for part in ValidationCondition.parts(of: condition) where ValidationCondition.comparison(part) == nil {
            warn(ScoreCode.conditionIgnored, "\(path): \"\(part)\" is not a comparison like sheet_num >= 2; it is true for every sheet", node,
                 hint: "write NAME OP NUMBER with ==, !=, <, <=, >, >=, joined by \" and \"")
        }
    }
}
