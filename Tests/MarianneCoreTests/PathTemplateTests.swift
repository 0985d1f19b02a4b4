import MarianneCore
import Testing

/// Validation paths are Python `str.format` with the sheet's values.
struct PathTemplateTests {
    let values: [String: TemplateValue] = [
        "workspace": .string("/ws"), "sheet_num": .int(3), "voice": .null, "items": .list([.string("a"), .int(2)]),
        "m": .map(["k": .string("v")]), "f": .double(0.5),
    ]

    @Test func namesIndexesConversionsAndBraces() throws {
        #expect(try PathTemplate.format("{workspace}/out-{sheet_num}.md", values) == "/ws/out-3.md")
        #expect(try PathTemplate.format("{voice}", values) == "None")
        #expect(try PathTemplate.format("{items[0]}-{items[1]}-{m[k]}", values) == "a-2-v")
        #expect(try PathTemplate.format("{items}", values) == "['a', 2]")
        #expect(try PathTemplate.format("{workspace!r}", values) == "'/ws'")
        #expect(try PathTemplate.format("{{literal}} {sheet_num:03d} {f}", values) == "{literal} 003 0.5")
        #expect(try PathTemplate.format("{sheet_num:>4}|{workspace:<5}|", values) == "   3|/ws  |")
        #expect(try PathTemplate.names(in: "{a}{b[0]}{{c}}") == ["a", "b"])
    }

    @Test func whatPythonRefusesIsAnError() {
        for bad in ["{nope}", "{}", "{0}", "a}b", "{open", "{workspace.name}", "{items[9]}", "{workspace!x}"] {
            #expect(throws: PathTemplate.FormatError.self, "\(bad)") { try PathTemplate.format(bad, values) }
        }
    }

    @Test func unknownPathPlaceholdersAreReportedWithASuggestion() {
        let found = Scores.errors(Scores.with("validations:\n  - {type: file_exists, path: \"{workspace}/{sheetnum}.md\"}\n"))
        #expect(found.map(\.code) == ["V009"])
        #expect(found.first?.hint == "did you mean {sheet_num}?")
        let variables = "name: t\nprompt: {template: x, variables: {project_root: /src}}\nvalidations:\n  - {type: file_exists, path: \"{project_root}/a\"}\n"
        #expect(Scores.errors(variables).isEmpty, "score variables are placeholders too")
        #expect(Scores.errors(Scores.with("validations:\n  - {type: command_succeeds, command: \"awk '{print $1}' ${HOME}/x {}\"}\n")).isEmpty,
                "commands keep unknown braces as text")
    }
}
