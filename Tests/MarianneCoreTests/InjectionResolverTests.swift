import Foundation
import MarianneCore
import MarianneTestSupport
import Testing

/// Prelude and cadenza files, read and placed as Marianne places them.
struct InjectionResolverTests {
    @Test func filesDirectoriesBinariesAndMissingFiles() throws {
        let directory = try TemporaryDirectory(prefix: "mzt-inject")
        defer { directory.remove() }
        let workspace = RealPath.resolve(directory.path)
        try "Know this.".write(toFile: workspace + "/context.md", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: workspace + "/skills-2", withIntermediateDirectories: true)
        try "Do that.".write(toFile: workspace + "/skills-2/b.md", atomically: true, encoding: .utf8)
        try Data([0xFF, 0xFE, 0x00]).write(to: URL(fileURLWithPath: workspace + "/skills-2/a.pdf"))
        let items = [
            InjectionItem(.file("context.md"), as: .context), InjectionItem(.directory("skills-{{ sheet_num }}"), as: .skill),
            InjectionItem(.file("{{ missing_variable }}tools.md"), as: .tool),
        ]
        let sections = InjectionResolver.resolve(items, variables: ["sheet_num": .int(2)], workspace: workspace)
        #expect(sections.context == ["Know this."])
        #expect(sections.skills.count == 2)
        #expect(sections.skills[0].hasPrefix("--- Input: a.pdf (binary \u{2014} PDF document, read with your tools) ---\n\n"))
        #expect(sections.skills[0].hasSuffix("Path: \(workspace)/skills-2/a.pdf\n"))
        #expect(sections.skills[1] == "--- Input: b.md ---\n\nDo that.")
        #expect(sections.tools.isEmpty)
        #expect(sections.notes.count == 1 && sections.notes[0].contains("\(workspace)/tools.md"), "an undefined variable renders empty")
        #expect(sections.skillsAndToolsSection == "## Injected Skills\n\n" + sections.skills.joined(separator: "\n\n"))
        #expect(sections.contextSection == "## Injected Context\n\nKnow this.")
    }

    @Test func anAgentPromptIsAssembledInMariannesOrder() throws {
        let directory = try TemporaryDirectory(prefix: "mzt-prompt")
        defer { directory.remove() }
        let workspace = RealPath.resolve(directory.path)
        try "Background.".write(toFile: workspace + "/bg.md", atomically: true, encoding: .utf8)
        try "Method.".write(toFile: workspace + "/method.md", atomically: true, encoding: .utf8)
        let loaded = try Scores.load("""
            name: p
            workspace: \(workspace)
            instrument: claude-code
            sheet:
              total_items: 2
              prelude: [{file: bg.md, as: context}]
              cadenzas: {2: [{file: method.md, as: skill}]}
              prompt_extensions: {2: ["Second only."]}
            prompt:
              template: "Sheet {{ sheet_num }}: {{ injected_context | length }}"
              prompt_extensions: ["Everywhere.", "  "]
            """)
        let first = try SheetPrompt.render(loaded, sheet: loaded.sheets[0], jobID: "p")
        let preamble = try #require(first.preamble)
        #expect(first.text == preamble + "\n\n## Injected Context\n\nBackground.\n\nSheet 1: 1\n\nEverywhere.")
        let second = try SheetPrompt.render(loaded, sheet: loaded.sheets[1], jobID: "p")
        let secondPreamble = try #require(second.preamble)
        #expect(second.text == secondPreamble + "\n\n## Injected Skills\n\nMethod.\n\n## Injected Context\n\nBackground.\n\nSheet 2: 1\n\nEverywhere.\n\nSecond only.")
        #expect(second.extensions == ["Everywhere.", "Second only."])
    }

    @Test func aShellCommandIsTheTemplateAlone() throws {
        let loaded = try Scores.load("""
            name: p
            backend: {type: command}
            sheet: {prelude: [{file: /etc/hostname, as: context}]}
            prompt: {template: "echo {{ sheet_num }}", prompt_extensions: [ignored]}
            """)
        let prompt = try SheetPrompt.render(loaded, sheet: loaded.sheets[0], jobID: "p")
        #expect(prompt.raw && prompt.text == "echo 1")
    }

    @Test func laterPartsHaveTheirPlace() {
        var prompt = AssembledPrompt(skillsAndTools: "S", context: "C", body: "B", extensions: ["E"])
        prompt.preamble = "P"
        prompt.failureHistory = "F"
        prompt.requirements = "R"
        prompt.completion = "X"
        #expect(prompt.text == "P\n\nS\n\nC\n\nB\n\nF\n\nR\n\nX\n\nE")
        #expect(AssembledPrompt(body: "").text == "")
    }
}
