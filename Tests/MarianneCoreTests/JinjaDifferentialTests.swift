import Foundation
import MarianneCore
import MarianneTestSupport
import Testing

/// Renders every template of Fixtures/jinja-corpus.yaml with this engine and with Python's
/// Jinja2 (scripts/jinja-render.py, one process) and compares them byte for byte: outputs,
/// and failure against success.
struct JinjaDifferentialTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// `MZT_JINJA_CORPUS` names another corpus file of the same shape (for checking score
    /// collections during development).
    static let corpus = ProcessInfo.processInfo.environment["MZT_JINJA_CORPUS"].map { URL(fileURLWithPath: $0) }
        ?? root.appendingPathComponent("Tests/MarianneCoreTests/Fixtures/jinja-corpus.yaml")

    struct PythonResult: Decodable {
        var ok: Bool
        var output: String?
        var error: String?
        var message: String?
    }

    static func python() throws -> [PythonResult] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root.appendingPathComponent("scripts/jinja-render.py").path, corpus.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestFailure("python3 scripts/jinja-render.py failed (run scripts/test-deps.sh to install python3, jinja2 and pyyaml): \(problem)")
        }
        return try JSONDecoder().decode([PythonResult].self, from: data)
    }

    struct TestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    @Test func everyCorpusTemplateRendersAsJinja2Does() async throws {
        // The corpus is rendered on a thread of its own: it keeps a core busy for seconds.
        let (count, mismatches) = try await onOwnThread { try Self.compare() }
        if ProcessInfo.processInfo.environment["MZT_JINJA_CORPUS"] == nil { #expect(count >= 400) }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(count) templates differ from Jinja2:\n\(mismatches.joined(separator: "\n"))")
    }

    /// Renders the corpus both ways: the number of cases and the differences.
    static func compare() throws -> (Int, [String]) {
        let text = try String(contentsOf: Self.corpus, encoding: .utf8)
        guard case .map(let corpus) = try TemplateValue(yamlText: text), case .map(let contexts) = corpus["contexts"],
              case .list(let cases) = corpus["cases"] else {
            throw TestFailure("the corpus must be a mapping with contexts and cases")
        }
        let expected = try Self.python()
        guard expected.count == cases.count else { throw TestFailure("Python rendered \(expected.count) of \(cases.count) cases") }
        var mismatches: [String] = []
        for (index, entry) in cases.enumerated() {
            guard case .map(let item) = entry, case .string(let source) = item["template"] else {
                mismatches.append("case \(index): no template")
                continue
            }
            var context: [String: TemplateValue] = [:]
            if case .string(let name) = item["context"], case .map(let variables) = contexts[.string(name)] {
                for (key, value) in zip(variables.keys, variables.values) {
                    if case .string(let key) = key { context[key] = value }
                }
            }
            let lenient = item["lenient"] == .bool(true)
            let ours: Result<String, Error> = Result {
                try Template(source).render(context, undefined: lenient ? .lenient : .strict)
            }
            let theirs = expected[index]
            switch ours {
            case .success(let output) where theirs.ok && theirs.output == output:
                continue
            case .failure where !theirs.ok:
                continue
            default:
                let mine: String
                switch ours {
                case .success(let output): mine = "output \(output.debugDescription)"
                case .failure(let error): mine = "error \(error)"
                }
                let python = theirs.ok ? "output \((theirs.output ?? "").debugDescription)" : "error \(theirs.error ?? ""): \(theirs.message ?? "")"
                mismatches.append("case \(index)\(lenient ? " (lenient)" : ""): \(source.debugDescription)\n  Jinja2: \(python)\n  here:   \(mine)")
            }
        }
        return (cases.count, mismatches)
    }
}
