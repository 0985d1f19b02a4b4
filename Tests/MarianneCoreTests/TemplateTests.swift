import MarianneCore
import Testing

struct TemplateTests {
    func render(_ source: String, _ context: [String: TemplateValue] = [:]) throws -> String {
        try Template(source).render(context)
    }

    @Test func variablesFiltersAndMembers() throws {
        #expect(try render("{{ a }}-{{ b | upper }}-{{ c.d }}", ["a": .int(1), "b": .string("x"), "c": .map(["d": .bool(true)])]) == "1-X-true")
        #expect(try render("{{ items | join(\", \") }} ({{ items | length }})", ["items": .list([.string("a"), .string("b")])]) == "a, b (2)")
        #expect(try render("{{ missing | default(\"none\") }}") == "none")
    }

    @Test func conditionalsAndLoops() throws {
        let source = "{% for x in xs %}{% if x > 1 %}[{{ loop.index }}:{{ x }}]{% elif x == 1 %}one{% else %}-{% endif %}{% endfor %}"
        #expect(try render(source, ["xs": .list([.int(0), .int(1), .int(5)])]) == "-one[3:5]")
        #expect(try render("{% if not a and b %}yes{% endif %}{# note #}", ["a": .bool(false), "b": .int(1)]) == "yes")
    }

    @Test func undefinedVariablesAreErrors() throws {
        #expect(throws: TemplateError.self) { try render("hello {{ who }}") }
        let template = try Template("{% for x in xs %}{{ x }}{{ y }}{% endfor %}{{ z | default(1) }}")
        #expect(template.referencedVariables == ["xs", "y"])
    }

    @Test func syntaxErrorsCarryTheirPosition() {
        do {
            _ = try Template("line one\n  {% if x %}never closed")
            Issue.record("expected a syntax error")
        } catch let error as TemplateError {
            #expect(error.line == 2)
            #expect(error.column == 3)
            #expect(error.message.contains("never closed"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(throws: TemplateError.self) { try Template("{{ a | frobnicate }}") }
        #expect(throws: TemplateError.self) { try Template("{{ a ") }
    }

    @Test func placeholdersAreShellQuotedInCommands() {
        let sheet = PlannedSheet(number: 2, startItem: 2, endItem: 2, dependencies: [], stage: 2)
        let hostile = "/tmp/my ws/$(rm -rf ~)'x"
        let command = ScoreRenderer.expandPlaceholders("test -f {workspace}/out-{sheet_num}", sheet: sheet, totalSheets: 3, workspace: hostile, jobID: "j", quoteForShell: true)
        #expect(command == "test -f '/tmp/my ws/$(rm -rf ~)'\\''x'/out-2")
        let path = ScoreRenderer.expandPlaceholders("{workspace}/out-{sheet_num}.txt", sheet: sheet, totalSheets: 3, workspace: "/w", jobID: "j", quoteForShell: false)
        #expect(path == "/w/out-2.txt")
        #expect(ShellQuote.quote("plain-value_1") == "plain-value_1")
        #expect(ShellQuote.quote("") == "''")
    }
}
