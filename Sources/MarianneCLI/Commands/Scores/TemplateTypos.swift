import Foundation
import MarianneCore

/// `mzt validate`'s check of members of a known mapping: `{{ user.nam }}` where `user` is a
/// mapping under `prompt.variables` without a key `nam` would fail when the sheet renders.
/// Only names the template reads from its context count (the engine's `referencedVariables`:
/// a loop variable that happens to share the name is not the mapping); methods (`user.items()`)
/// are left alone.
enum TemplateTypos {
    /// Members every mapping has in templates (dict methods).
    static let methods: Set<String> = ["items", "keys", "values", "get", "update", "pop", "copy", "setdefault"]

    static func check(_ loaded: LoadedScore) -> [ScoreProblem] {
        let prompt = loaded.score.prompt
        guard !prompt.variables.isEmpty, let template = try? Template(prompt.template) else { return [] }
        let free = template.referencedVariables
        var problems: [ScoreProblem] = []
        for name in prompt.variables.keys.sorted() where free.contains(name) {
            guard let value = prompt.variables[name], let keys = mappingKeys(value) else { continue }
            var seen = Set<String>()
            for member in accesses(of: name, in: prompt.template) where !keys.contains(member) && !methods.contains(member) {
                guard seen.insert(member).inserted else { continue }
                let suggestion = Spelling.closest(to: member, in: keys)
                problems.append(ScoreProblem(
                    code: ScoreCode.undefinedVariable,
                    message: "the template uses \(name).\(member), but the mapping \(name) has no key '\(member)'",
                    line: line(of: "\(name).\(member)", in: loaded.source), column: nil,
                    hint: suggestion.map { "did you mean `\(name).\($0)`?" } ?? "its keys are \(keys.sorted().joined(separator: ", "))"
                ))
            }
        }
        return problems
    }

    static func mappingKeys(_ value: TemplateValue) -> Set<String>? {
        guard case .map(let mapping) = value else { return nil }
        return Set(mapping.keys.compactMap { key in
            if case .string(let text) = key { return text }
            return nil
        })
    }

    /// Members read as `name.member` inside `{{ }}` and `{% %}` (outside `{% raw %}`), not
    /// followed by `(`.
    static func accesses(of name: String, in text: String) -> [String] {
        let withoutRaw = text.replacingOccurrences(of: #"\{%-?\s*raw\s*-?%\}[\s\S]*?\{%-?\s*endraw\s*-?%\}"#, with: "", options: .regularExpression)
        guard let tags = try? NSRegularExpression(pattern: #"\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}"#),
              let member = try? NSRegularExpression(pattern: #"(?<![\w.])"# + NSRegularExpression.escapedPattern(for: name) + #"\.([A-Za-z_]\w*)\b(?!\s*\()"#)
        else { return [] }
        var found: [String] = []
        let whole = NSRange(withoutRaw.startIndex..., in: withoutRaw)
        for tag in tags.matches(in: withoutRaw, range: whole) {
            for match in member.matches(in: withoutRaw, range: tag.range) {
                if let range = Range(match.range(at: 1), in: withoutRaw) { found.append(String(withoutRaw[range])) }
            }
        }
        return found
    }

    /// The 1-based line of the score's text where `needle` first appears.
    static func line(of needle: String, in source: String) -> Int? {
        for (index, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.contains(needle) {
            return index + 1
        }
        return nil
    }
}
