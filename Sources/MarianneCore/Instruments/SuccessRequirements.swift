import Foundation

/// The "Success Requirements" section of an agent's prompt: every validation that applies to
/// the sheet, with its paths and patterns expanded for this sheet, so the agent knows what
/// will be checked. Marianne's heading and item labels; unlike Marianne, rules that already
/// applied to earlier sheets are listed in full too (each sheet's agent starts afresh).
public enum SuccessRequirements {
    /// The section for `rules` (already filtered to those that apply); nil when there are none.
    public static func section(_ rules: [ValidationRule], placeholders: SheetPlaceholders, workspace: String) -> String? {
        guard !rules.isEmpty else { return nil }
        var lines = [
            "---", "## Success Requirements (Validated Automatically)", "",
            "When you finish, your work is checked against these requirements, automatically. Every one must pass:", "",
        ]
        for (offset, rule) in rules.enumerated() {
            lines += item(rule, number: offset + 1, placeholders: placeholders, workspace: workspace)
            lines.append("")
        }
        lines.append("**Important**: the checks are exact. Match paths, names and text precisely: a near match fails.")
        return lines.joined(separator: "\n")
    }

    /// The rules of `score` that apply to `sheet`, in the score's order.
    public static func applicable(_ score: Score, sheet: PlannedSheet, placeholders: SheetPlaceholders) -> [ValidationRule] {
        score.validations.filter { $0.applies(to: sheet, placeholders: placeholders) }
    }

    static func item(_ rule: ValidationRule, number: Int, placeholders: SheetPlaceholders, workspace: String) -> [String] {
        let path = (try? rule.expandedPath(placeholders, workspace: workspace)) ?? rule.path ?? ""
        let pattern = expand(rule.pattern ?? "", placeholders)
        var lines = ["\(number). **\(rule.description ?? "Requirement \(number)")**"]
        switch rule.type {
        case .fileExists:
            lines.append("   - Create file: `\(path)`")
        case .fileModified:
            lines.append("   - Modify file: `\(path)` (it must change while you work)")
        case .contentContains:
            lines.append("   - File: `\(path)`")
            lines.append("   - Must contain exactly: `\(pattern)`")
        case .contentRegex:
            lines.append("   - File: `\(path)`")
            lines.append("   - Must match pattern: `\(pattern)`")
        case .commandSucceeds:
            let command = expand(rule.command ?? "", placeholders)
            let shown = command.count > 60 ? String(command.prefix(60)) + "..." : command
            lines.append("   - Command must succeed: `\(shown)`")
        }
        return lines
    }

    /// `{name}` replaced by the sheet's value (Python `str()`), other text as written: for
    /// showing, not running.
    static func expand(_ text: String, _ placeholders: SheetPlaceholders) -> String {
        guard text.contains("{") else { return text }
        var result = text
        for (name, value) in placeholders.strings where result.contains("{\(name)}") {
            result = result.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return result
    }
}
