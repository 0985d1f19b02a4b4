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
                let suggestion = closest(member, in: keys)
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

    static func closest(_ word: String, in keys: Set<String>) -> String? {
        let scored = keys.map { ($0, distance(word, $0)) }.filter { $0.1 <= max(2, word.count / 3) }
        return scored.min { $0.1 == $1.1 ? $0.0 < $1.0 : $0.1 < $1.1 }?.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.prefix(100)), b = Array(b.prefix(100))
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
