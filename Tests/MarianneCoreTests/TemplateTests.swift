import Foundation
import MarianneCore
import MarianneTestSupport
import Testing

/// What the differential corpus cannot show: positions, limits, `quote`, free variables,
/// lenient mode, overflow, YAML values.
struct TemplateTests {
    static func render(_ source: String, _ context: [String: TemplateValue] = [:], limits: TemplateLimits = .default,
                undefined: TemplateUndefinedMode = .strict) throws -> String {
        try Template(source).render(context, limits: limits, undefined: undefined)
    }

    func render(_ source: String, _ context: [String: TemplateValue] = [:], limits: TemplateLimits = .default,
                undefined: TemplateUndefinedMode = .strict) throws -> String {
        try Self.render(source, context, limits: limits, undefined: undefined)
    }

    func failure(_ source: String, _ context: [String: TemplateValue] = [:], limits: TemplateLimits = .default) -> TemplateError? {
        Self.failure(source, context, limits: limits)
    }

    static func failure(_ source: String, _ context: [String: TemplateValue] = [:], limits: TemplateLimits = .default) -> TemplateError? {
        do {
            _ = try render(source, context, limits: limits)
            return nil
        } catch {
            return error as? TemplateError
        }
    }

    @Test func rendersJinjaWithPythonValues() throws {
        let context: [String: TemplateValue] = ["a": 1, "b": "x", "c": ["d": true], "items": ["a", "b"]]
        #expect(try render("{{ a }}-{{ b | upper }}-{{ c.d }}-{{ items }}", context) == "1-X-True-['a', 'b']")
        #expect(try render("{% for k, v in m.items() %}{{ k }}={{ v }} {% endfor %}", ["m": .map(TemplateMap([("z", 1), ("a", 2)]))]) == "z=1 a=2 ")
        #expect(try render("{{ m[1] }}", ["m": .map(TemplateMap([(1, "one")]))]) == "one")
    }

    @Test func syntaxErrorsCarryLineAndColumn() throws {
        let error = try #require(failure("line one\n  {% if x %}never closed"))
        #expect(error.kind == .syntax)
        #expect(error.line == 2)
        #expect(error.column == 3)
        let unknown = try #require(failure("{{ a }}\n{{ a | frobnicate }}"))
        #expect((unknown.line, unknown.column) == (2, 8))
        #expect(unknown.message.contains("frobnicate"))
        let include = try #require(failure("{% include 'x' %}"))
        #expect(include.message.contains("not supported"))
    }

    @Test func renderErrorsCarryLineAndColumn() throws {
        let error = try #require(failure("a\nb {{ missing }}"))
        #expect(error.kind == .undefined("missing"))
        #expect((error.line, error.column) == (2, 6))
        let member = try #require(failure("{{ m.x }}", ["m": [:]]))
        #expect(member.message == "'dict object' has no attribute 'x'")
        #expect(error.description.contains("line 2, column 6"))
    }

    @Test func lenientModeRendersUndefinedAsNothing() throws {
        #expect(try render("[{{ missing }}]{% for x in missing %}x{% endfor %}{% if missing %}y{% endif %}", undefined: .lenient) == "[]")
        #expect(throws: TemplateError.self) { try render("{{ missing.attribute }}", undefined: .lenient) }
        #expect(throws: TemplateError.self) { try render("{{ missing }}") }
    }

    @Test func nestedLoopsStopAtTheStepBudgetQuickly() async throws {
        let items = TemplateValue.list((0..<2000).map { .int($0) })
        let started = Date()
        // Seconds of work in a debug build: on a thread of its own, not the shared pool.
        let found = try await onOwnThread {
            Self.failure("{% for a in xs %}{% for b in xs %}{% for c in xs %}.{% endfor %}{% endfor %}{% endfor %}", ["xs": items])
        }
        let error = try #require(found)
        #expect(error.kind == .limit)
        #expect(error.message.contains("exceeded 10000000 steps"))
        // 10 million steps take about 20 s of a debug build on a busy two-core machine, and over a
        // minute while the whole suite runs beside it; without the budget it would be 8e9 steps.
        #expect(Date().timeIntervalSince(started) < 180, "the budget must stop the render quickly (well under a second in release)")
        let small = try #require(failure("{% for i in range(100) %}{% endfor %}", limits: TemplateLimits(maxSteps: 50)))
        #expect(small.message.contains("exceeded 50 steps"))
        #expect(throws: TemplateError.self) { try render("{{ range(100000000) | length }}") }
    }

    @Test func outputAndRecursionAreBounded() throws {
        let limits = TemplateLimits(maxOutputBytes: 100)
        #expect(failure("{{ 'x' * 101 }}", limits: limits)?.kind == .limit)
        #expect(failure("{% for i in range(30) %}0123456789{% endfor %}", limits: limits)?.kind == .limit)
        #expect(failure("{{ 'x' * 10000000000000 }}")?.kind == .limit)
        let recursion = try #require(failure("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}"))
        #expect(recursion.kind == .limit)
        #expect(recursion.message.contains("nested more than 100"))
    }

    @Test func hostileTemplatesFailCleanly() throws {
        let parentheses = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        #expect(failure("{{ \(parentheses) }}")?.message.contains("nests blocks or expressions more than") == true)
        let blocks = String(repeating: "{% if true %}", count: 5000) + String(repeating: "{% endif %}", count: 5000)
        #expect(failure(blocks)?.kind == .syntax)
        let deep = "{% set ns = namespace(x=[]) %}{% for i in range(100000) %}{% set ns.x = [ns.x] %}{% endfor %}{{ ns.x == ns.x }}"
        #expect(failure(deep)?.message.contains("nested more than") == true)
        for source in ["{{ '{:999999999999}'.format(1) }}", "{{ '%.999999999f' % 1.5 }}", "{{ '' * 9223372036854775807 }}|", "{{ [] * 9223372036854775807 }}",
                       "{{ range(0, 10, -9223372036854775807 - 1) | list }}", "{{ 'ab' | center(9223372036854775807) }}", "{{ 'abc' | truncate(9223372036854775807) }}"] {
            do {
                _ = try render(source)
            } catch {
                #expect(error is TemplateError, "\(source): \(error)")
            }
        }
    }

    @Test func integersGrowPast64BitsUpToPythonsPrintLimit() throws {
        let context: [String: TemplateValue] = ["big": .int(Int.max)]
        #expect(try render("{{ big + 1 }} {{ big * big }} {{ -big - 2 }} {{ 2 ** 64 }} {{ (big + 1) // 2 == 2 ** 62 }}", context)
            == "9223372036854775808 85070591730234615847396907784232501249 -9223372036854775809 18446744073709551616 True")
        #expect(try render("{{ 1e300 | int }}").hasPrefix("1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864"))
        #expect(try render("{{ 99999999999999999999 + 1 }} {{ '123456789012345678901' | int }}") == "100000000000000000000 123456789012345678901")
        for source in ["{{ 10 ** 5000 }}", "{{ ('inf' | float) | int }}", "{{ (2 ** 14000) * (2 ** 14000) }}", "{{ 'x' * (2 ** 70) }}", "{{ (2 ** 2000) / 1 }}"] {
            let error = try #require(failure(source), "\(source) must fail")
            #expect(error.kind == .type, "\(source)")
        }
        #expect(throws: TemplateError.self) { try Template("{{ " + String(repeating: "9", count: 5000) + " }}") }
    }

    @Test func quoteFilterQuotesForPOSIXShells() throws {
        let hostile = "/tmp/my ws/$(rm -rf ~)'x"
        #expect(try render("cat {{ path | quote }}", ["path": .string(hostile)]) == "cat '/tmp/my ws/$(rm -rf ~)'\\''x'")
        #expect(try render("{{ 'plain-value_1' | quote }} {{ '' | quote }} {{ 3 | quote }}") == "plain-value_1 '' 3")
        #expect(try render("{{ path }}", ["path": .string(hostile)]) == hostile, "without quote the value is inserted verbatim")
    }

    @Test func referencedVariablesAreTheFreeNames() throws {
        let template = try Template("""
            {% set local = a %}{% for x, y in pairs if x > limit %}{{ x }}{{ y }}{{ loop.index }}{{ local }}{% endfor %}
            {% macro m(p, q=qdefault) %}{{ p }}{{ q }}{{ caller() }}{{ inmacro }}{% endmacro %}
            {% call m(1) %}{{ incall }}{% endcall %}{% with w = wsrc %}{{ w }}{% endwith %}
            {{ opt is defined }}{{ fallback | default('x') }}{{ ns.attr }}{{ range(3) | join }}{{ obj.member.deep }}
            """)
        #expect(template.referencedVariables == ["a", "pairs", "limit", "qdefault", "inmacro", "incall", "wsrc", "ns", "obj"])
    }

    @Test func yamlValuesFollowPyYAML() throws {
        let yaml = """
            flags: [yes, no, on, off, true, False, "yes"]
            numbers: [0x1f, 0o17, 017, 1_000, +5, -3, 1.5, .inf, -.inf, 1e5, 1.0e+3, 190:20:30]
            nulls: [~, null, ]
            order: {z: 1, a: 2, 1: int key}
            when: 2024-01-02
            """
        let value = try #require(try TemplateValue(yamlText: yaml))
        let rendered = try Template("{{ v.flags }}|{{ v.numbers }}|{{ v.nulls }}|{{ v.order }}|{{ v.order[1] }}|{{ v.when }}").render(["v": value])
        #expect(rendered == "[True, False, True, False, True, False, 'yes']|[31, '0o17', 15, 1000, 5, -3, 1.5, inf, -inf, '1e5', 1000.0, 685230]|[None, None]|{'z': 1, 'a': 2, 1: 'int key'}|int key|2024-01-02")
        let big = try #require(try TemplateValue(yamlText: "n: 99999999999999999999"))
        #expect(try Template("{{ v.n + 1 }}").render(["v": big]) == "100000000000000000000")
        #expect(throws: TemplateError.self) { try TemplateValue(yamlText: "n: " + String(repeating: "9", count: 5000)) }
    }

    @Test func rendersOffTheMainActor() async throws {
        let template = try Template("{% for i in range(n) %}{{ i }}{% endfor %}")
        let outputs = try await withThrowingTaskGroup(of: String.self) { group in
            for n in 1...4 { group.addTask { try template.render(["n": .int(n)]) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(outputs) == ["0", "01", "012", "0123"])
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
