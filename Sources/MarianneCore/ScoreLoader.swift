import Foundation
import Yams

/// A score file that cannot be read at all.
public struct ScoreReadError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "cannot read \(path): \(reason)" }
}

/// Loads scores: reads YAML, checks every key, expands the sheets, checks the templates.
public enum ScoreLoader {
    /// Scores larger than this are refused before parsing.
    public static let maxBytes = 1024 * 1024
    static let maxDepth = 64
    static let maxAliases = 100

    /// Loads and validates a score file. Throws `ScoreReadError` or `ScoreValidationError`.
    public static func load(path: String, workspaceOverride: String? = nil) throws -> LoadedScore {
        let text = try read(path: path)
        return try load(yaml: text, baseDirectory: (path as NSString).deletingLastPathComponent, path: path, workspaceOverride: workspaceOverride)
    }

    /// Loads and validates score text; relative paths resolve against `baseDirectory`.
    public static func load(yaml: String, baseDirectory: String, path: String? = nil, workspaceOverride: String? = nil) throws -> LoadedScore {
        let (loaded, problems) = check(yaml: yaml, baseDirectory: baseDirectory, path: path, workspaceOverride: workspaceOverride)
        guard let loaded, !problems.contains(where: { $0.severity == .error }) else {
            throw ScoreValidationError(problems: problems)
        }
        return loaded
    }

    /// Every problem (errors and warnings) and, when there is no error, the loaded score.
    public static func check(yaml: String, baseDirectory: String, path: String? = nil, workspaceOverride: String? = nil) -> (LoadedScore?, [ScoreProblem]) {
        if let hostile = hostileProblem(yaml) { return (nil, [hostile]) }
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            return (nil, [yamlProblem(error)])
        }
        guard let root else {
            return (nil, [ScoreProblem(code: ScoreCode.missingKey, message: "the score is empty", line: 1, column: 1, hint: "a score needs at least name, workspace and prompt")])
        }
        var parser = ScoreParser(baseDirectory: baseDirectory)
        let parsed = parser.parseScore(root)
        guard var score = parsed else { return (nil, parser.problems) }
        var sheets = SheetPlanner.expand(score.sheet, marks: parser.marks, problems: &parser.problems)
        if sheets.isEmpty, !parser.problems.contains(where: { $0.severity == .error }) {
            sheets = [PlannedSheet(number: 1, startItem: score.sheet.startItem, endItem: score.sheet.startItem, dependencies: [], stage: 1)]
        }
        checkTemplate(score.prompt, line: parser.templateLine ?? parser.marks["prompt.template"]?.line, problems: &parser.problems)
        if score.pauseBetweenSheetsSeconds < 0 { score.pauseBetweenSheetsSeconds = 0 }
        let workspace: String
        if let workspaceOverride {
            workspace = workspaceOverride.absolutePath(relativeTo: FileManager.default.currentDirectoryPath)
        } else {
            workspace = score.workspace.absolutePath(relativeTo: baseDirectory)
        }
        let errors = parser.problems.filter { $0.severity == .error }
        guard errors.isEmpty else { return (nil, parser.problems) }
        let loaded = LoadedScore(
            score: score, source: yaml, path: path.map { $0.absolutePath(relativeTo: FileManager.default.currentDirectoryPath) },
            workspace: workspace, sheets: sheets, warnings: parser.problems.filter { $0.severity == .warning }
        )
        return (loaded, parser.problems)
    }


    public static func read(path: String) throws -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ScoreReadError(path: path, reason: errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw ScoreReadError(path: path, reason: "not a regular file") }
        guard Int(info.st_size) <= maxBytes else {
            throw ScoreReadError(path: path, reason: "the file is \(info.st_size) bytes; scores are limited to \(maxBytes) bytes")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScoreReadError(path: path, reason: "permission denied")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScoreReadError(path: path, reason: "the file is not UTF-8 text")
        }
        return text
    }

    /// Refuses input that would make the parser work too hard, before parsing it.
    static func hostileProblem(_ yaml: String) -> ScoreProblem? {
        let bytes = yaml.utf8
        if bytes.count > maxBytes {
            return ScoreProblem(code: ScoreCode.hostileInput, message: "the score is \(bytes.count) bytes; scores are limited to \(maxBytes) bytes", line: 1, column: 1)
        }
        var line = 1
        var column = 0
        var flowDepth = 0
        var indent = 0
        var atLineStart = true
        var aliases = 0
        var previous: UInt8 = UInt8(ascii: " ")
        var quote: UInt8?
        for byte in bytes {
            column += 1
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 0
                indent = 0
                atLineStart = true
                previous = byte
                if quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") { continue }
                continue
            }
            if atLineStart {
                if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "-") {
                    indent += 1
                    if indent > maxDepth * 4 {
                        return ScoreProblem(code: ScoreCode.hostileInput, message: "the score is nested more than \(maxDepth) levels deep", line: line, column: column)
                    }
                } else {
                    atLineStart = false
                }
            }
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || (byte == UInt8(ascii: "'") && (previous == UInt8(ascii: " ") || previous == UInt8(ascii: "[") || previous == UInt8(ascii: "{") || previous == UInt8(ascii: ","))) {
                quote = byte
            } else if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                flowDepth += 1
                if flowDepth > maxDepth {
                    return ScoreProblem(code: ScoreCode.hostileInput, message: "the score is nested more than \(maxDepth) levels deep", line: line, column: column)
                }
            } else if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                flowDepth = max(0, flowDepth - 1)
            } else if byte == UInt8(ascii: "*"), previous == UInt8(ascii: " ") || previous == UInt8(ascii: "[") || previous == UInt8(ascii: ",") || previous == UInt8(ascii: "-") {
                aliases += 1
                if aliases > maxAliases {
                    return ScoreProblem(code: ScoreCode.hostileInput, message: "the score uses more than \(maxAliases) YAML aliases", line: line, column: column, hint: "aliases can expand exponentially; write the values out")
                }
            }
            previous = byte
        }
        return nil
    }

    static func yamlProblem(_ error: Error) -> ScoreProblem {
        switch error {
        case YamlError.scanner(let context, let problem, let mark, _),
             YamlError.parser(let context, let problem, let mark, _),
             YamlError.composer(let context, let problem, let mark, _):
            let text = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            return ScoreProblem(code: ScoreCode.yamlSyntax, message: "YAML syntax error: \(text)", line: mark.line, column: mark.column,
                                hint: "check indentation, colons and quotes")
        case YamlError.duplicatedKeysInMapping(let duplicates, let context):
            return ScoreProblem(code: ScoreCode.yamlSyntax, message: "duplicate key \(duplicates.joined(separator: ", "))",
                                line: context.mark.line, column: context.mark.column, hint: "each key may appear once per mapping")
        case YamlError.reader(let problem, _, _, _):
            return ScoreProblem(code: ScoreCode.yamlSyntax, message: "YAML cannot be read: \(problem)", line: 1, column: 1)
        default:
            return ScoreProblem(code: ScoreCode.yamlSyntax, message: "YAML error: \(error)", line: 1, column: 1)
        }
    }

    /// Template syntax and undefined variables, at their line in the file.
    static func checkTemplate(_ prompt: PromptConfig, line: Int?, problems: inout [ScoreProblem]) {
        let base = (line ?? 1) - 1
        do {
            let template = try Template(prompt.template)
            let defined = ScoreKeys.builtins.union(prompt.variables.keys)
            for name in template.referencedVariables.subtracting(defined).sorted() {
                problems.append(ScoreProblem(
                    code: ScoreCode.undefinedVariable, message: "the template uses undefined variable '\(name)'", line: line, column: nil,
                    hint: ScoreKeys.suggestion(for: name, in: defined).map { "did you mean `\($0)`?" } ?? "define it under prompt.variables"
                ))
            }
        } catch let error as TemplateError {
            problems.append(ScoreProblem(
                code: ScoreCode.templateSyntax, message: "template: \(error.message)", line: base + error.line,
                column: error.line == 1 ? nil : error.column, hint: "templates use {{ variable }} and {% if %}/{% for %} tags"
            ))
        } catch {
            problems.append(ScoreProblem(code: ScoreCode.templateSyntax, message: "template: \(error)", line: line, column: nil))
        }
    }
}
