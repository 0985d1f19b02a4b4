import Foundation
import MarianneCore
import Testing

/// Hostile YAML is refused from the parser's events, and ordinary text is not mistaken for it.
struct YAMLGuardTests {
    @Test func markdownBoldIsNotAnAlias() {
        let bold = (1...300).map { "**item \($0)** and *emphasis*" }.joined(separator: "\n    ")
        let yaml = "name: b\nprompt:\n  template: |\n    \(bold)\n  variables: {list: [*not, a]}\n"
        #expect(!Scores.problems(yaml).contains { $0.code == "V015" })
        let plain = "name: b\nprompt: {template: \"" + String(repeating: "**bold** ", count: 200) + "\"}\n"
        #expect(Scores.errors(plain).isEmpty)
    }

    @Test func realAliasesAreCounted() {
        var yaml = "name: a\nprompt: {template: x}\nanchors: &v [1]\n"
        yaml += (1...101).map { "k\($0): *v" }.joined(separator: "\n")
        let found = Scores.problems(yaml).first
        #expect(found?.code == "V015")
        #expect(found?.message.contains("100 YAML aliases") == true)
        #expect(found?.line == 104)
    }

    /// A score's composed tree is kept and the guard skipped for it; a refused text is never
    /// kept, so it is refused every time it comes.
    @Test func aRefusedTextIsRefusedEveryTime() {
        var yaml = "name: a\nprompt: {template: x}\nanchors: &v [1]\n"
        yaml += (1...101).map { "k\($0): *v" }.joined(separator: "\n")
        for _ in 0..<3 { #expect(Scores.problems(yaml).first?.code == "V015") }
        let fine = "name: a\nprompt: {template: x}\nmetadata: {anchors: &v [1], k1: *v}\n"
        for _ in 0..<3 { #expect(Scores.errors(fine).isEmpty) }
    }

    @Test func deepNestingIsRefusedWithItsPlace() {
        let deep = "a: " + String(repeating: "[", count: 70) + String(repeating: "]", count: 70)
        let found = Scores.problems(deep).first
        #expect(found?.code == "V015")
        #expect(found?.column == 67, "the 64th bracket, under the root mapping")
    }
}
