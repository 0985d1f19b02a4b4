import Foundation
import MarianneCore
import Testing

/// Each validation error class, with its code and line.
struct ScoreValidationTests {
    func problems(_ yaml: String) -> [ScoreProblem] {
        ScoreLoader.check(yaml: yaml, baseDirectory: "/tmp").1
    }

    func first(_ yaml: String, code: String) -> ScoreProblem? {
        problems(yaml).first { $0.code == code }
    }

    let valid = """
        name: ok
        workspace: ./ws
        prompt:
          template: "echo {{ sheet_num }}"
        """

    @Test func aValidScoreHasNoProblems() throws {
        #expect(problems(valid).isEmpty)
        let loaded = try ScoreLoader.load(yaml: valid, baseDirectory: "/tmp/scores")
        #expect(loaded.workspace == "/tmp/scores/ws")
        #expect(loaded.sheets.count == 1)
    }

    @Test(arguments: [
        ("name: x\nworkspace: ./w\nprompt: {template: a}\ncolour: red\n", "V002", 4),
        ("name: x\nworkspace: ./w\nprompt: {template: a}\nsheet: {size: many}\n", "V003", 4),
        ("workspace: ./w\nprompt: {template: a}\n", "V004", 1),
        ("name: x\nworkspace: ./w\nprompt: {template: a}\nretry: {max_retries: -1}\n", "V005", 4),
        ("name: x\nworkspace: ./w\nprompt: {template: a}\nmax_duration: soon\n", "V006", 4),
        ("name: x\nworkspace: ./w\nprompt: {template: a}\nvalidations:\n  - {type: content_regex, path: f, pattern: \"(\"}\n", "V007", 5),
        ("name: x\nworkspace: ./w\nprompt:\n  template: \"{% if x %}\"\n  variables: {x: 1}\n", "V008", 4),
        ("name: x\nworkspace: ./w\nprompt:\n  template: \"echo {{ nope }}\"\n", "V009", 4),
        ("name: x\nworkspace: ./w\nprompt: {template: a}\nsheet: {total_items: 2, dependencies: {2: [5]}}\n", "V010", 4),
        ("name: x\nworkspace: ./w\nprompt: {template: a}\nsheet: {total_items: 2, dependencies: {1: [2], 2: [1]}}\n", "V011", 4),
        ("name: x\nworkspace: ./w\nprompt: {template: a}\nsheet: {size: 2, total_items: 4, fan_out: {1: 2}}\n", "V012", 4),
        ("name: \"bad name\"\nworkspace: ./w\nprompt: {template: a}\n", "V013", 1),
        ("name: x\nworkspace: ./w\nprompt: {template_file: missing.j2}\n", "V014", 3),
        ("name: x\nworkspace: ./w\nprompt: {template: a}\nvalidations:\n  - {type: file_there, path: f}\n", "V016", 5),
        ("name: x\nworkspace: ./w\nprompt: {template: a}\nvalidations:\n  - {type: content_contains, path: f}\n", "V017", 5),
        ("name: x\nworkspace: ./w\nprompt: [a\n", "V001", 4),
    ] as [(String, String, Int)])
    func eachProblemHasItsCodeAndLine(yaml: String, code: String, line: Int) {
        let found = first(yaml, code: code)
        #expect(found != nil, "expected \(code) in \(problems(yaml))")
        #expect(found?.line == line, "\(code) at line \(found?.line ?? -1)")
    }

    @Test func everyProblemIsReportedAtOnce() {
        let found = problems("""
            name: x
            workspace: ./w
            sheet: {size: zero, total_items: 2}
            retry: {max_retries: -1, jitter: maybe}
            prompt:
              template: "{{ a }} {{ b }}"
            colour: red
            """)
        let codes = found.map(\.code)
        #expect(codes.filter { $0 == "V009" }.count == 2)
        #expect(codes.contains("V003"))
        #expect(codes.contains("V005"))
        #expect(codes.contains("V002"))
        #expect(found.count >= 6)
    }

    @Test func unknownKeysSuggestTheClosestKnownOne() {
        let found = first("name: x\nworkspace: ./w\nprompt: {template: a}\nretyr: {max_retries: 1}\n", code: "V002")
        #expect(found?.hint == "did you mean `retry`?")
        let nested = first("name: x\nworkspace: ./w\nprompt: {template: a}\nbackend: {tiemout: 5s}\n", code: "V002")
        #expect(nested?.hint == "did you mean `timeout`?")
        #expect(nested?.message.contains("backend.tiemout") == true)
    }

    @Test func pythonMarianneKeysAreWarningsNotErrors() throws {
        let yaml = valid + "\nlearning: {enabled: true}\nnotifications: []\n"
        let found = problems(yaml)
        #expect(found.map(\.code) == ["W001", "W001"])
        #expect(found.allSatisfy { $0.severity == .warning })
        #expect(found.first?.message.contains("learning") == true)
        let loaded = try ScoreLoader.load(yaml: yaml, baseDirectory: "/tmp")
        #expect(loaded.warnings.count == 2)
    }

    @Test func claudeCodeInstrumentMapsToTheAgentBackend() throws {
        let loaded = try ScoreLoader.load(yaml: """
            name: agent
            workspace: ./w
            instrument: claude-code
            instrument_config: {timeout_seconds: 90, model: opus}
            prompt: {template: "review"}
            """, baseDirectory: "/tmp")
        let instrument = InstrumentResolver.resolve(loaded.score, sheet: loaded.sheets[0])
        #expect(instrument.name == "claude-code")
        #expect(InstrumentResolver.settings(loaded.score, instrument: instrument).timeoutSeconds == 90)
        #expect(InstrumentResolver.settings(loaded.score, instrument: instrument).model == "opus")
        #expect(loaded.warnings.isEmpty, "model is an instrument setting")
    }

    @Test func placeholdersInValidationsMustBeKnown() {
        let found = first("""
            name: x
            workspace: ./w
            prompt: {template: a}
            validations:
              - {type: file_exists, path: "{workspace}/{sheetnum}.txt"}
            """, code: "V009")
        #expect(found?.line == 5)
    }

    @Test func hostileYAMLIsRefusedQuickly() {
        let started = threadCPUSeconds()
        let big = String(repeating: "# padding line for a large file\n", count: 1_700_000)
        #expect(problems(big).first?.code == "V015")
        let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        #expect(problems(deep).first?.code == "V015")
        var bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for i in 1...12 { bomb += "b\(i): &b\(i) [" + Array(repeating: "*\(i == 1 ? "a" : "b\(i - 1)")", count: 9).joined(separator: ",") + "]\n" }
        #expect(problems(bomb).first?.code == "V015")
        var indented = ""
        for depth in 0..<300 { indented += String(repeating: " ", count: depth * 2) + "k\(depth):\n" }
        #expect(problems(indented).first?.code == "V015")
        #expect(threadCPUSeconds() - started < 2, "CPU seconds of this thread")
    }

    @Test func aMissingFileIsAReadError() {
        #expect(throws: ScoreReadError.self) { try ScoreLoader.load(path: "/nonexistent/score.yaml") }
    }

    @Test func everyExampleScoreValidates() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Examples")
        let files = try FileManager.default.contentsOfDirectory(atPath: examples.path).filter { $0.hasSuffix(".yaml") }
        #expect(files.count >= 3)
        for file in files {
            let path = examples.appendingPathComponent(file).path
            #expect(throws: Never.self, "\(file)") { try ScoreLoader.load(path: path) }
        }
    }
}
