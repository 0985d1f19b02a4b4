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
    /// Unless `planning`, a score whose instruments cannot run here is refused too.
    /// `instruments`: the profiles the conductor has (nil: the builtins); the score folder's
    /// `.marianne/instruments/` are added to them.
    public static func load(path: String, workspaceOverride: String? = nil, planning: Bool = false, instruments: InstrumentCatalog? = nil) throws -> LoadedScore {
        let text = try read(path: path)
        return try load(
            yaml: text, baseDirectory: directory(of: path), path: path, workspaceOverride: workspaceOverride, planning: planning, instruments: instruments
        )
    }

    /// Loads and validates score text; relative paths resolve against `baseDirectory`.
    public static func load(
        yaml: String, baseDirectory: String, path: String? = nil, workspaceOverride: String? = nil, planning: Bool = false,
        instruments: InstrumentCatalog? = nil
    ) throws -> LoadedScore {
        let (loaded, problems) = check(yaml: yaml, baseDirectory: baseDirectory, path: path, workspaceOverride: workspaceOverride, instruments: instruments)
        guard let loaded, !problems.contains(where: { $0.severity == .error }) else {
            throw ScoreValidationError(problems: problems)
        }
        if !planning, !loaded.runBlockers.isEmpty {
            throw ScoreValidationError(problems: loaded.runBlockers.map { problem in
                var refused = problem
                refused.severity = .error
                refused.hint = (problem.hint.map { $0 + "; " } ?? "") + "mzt validate and mzt submit --dry-run still show the plan"
                return refused
            })
        }
        return loaded
    }

    /// The directory relative paths of a score file resolve against: its real parent (links
    /// followed, as Marianne does).
    public static func directory(of path: String) -> String {
        (RealPath.resolve(path) as NSString).deletingLastPathComponent
    }

    /// The tags a score's plain scalars can take: what the parser and the duplicate-key check
    /// tell apart (booleans, numbers, null). Each rule is a regular expression tried on every
    /// key, and Yams's other three (merge, timestamp, value) were nearly half of a parse; the
    /// parser reads every value from its text and style, and `<<` by its text.
    static let resolver = Resolver.default.removing(.merge).removing(.timestamp).removing(.value)

    /// Every problem (errors and warnings) and, when there is no error, the loaded score.
    public static func check(
        yaml: String, baseDirectory: String, path: String? = nil, workspaceOverride: String? = nil, instruments: InstrumentCatalog? = nil
    ) -> (LoadedScore?, [ScoreProblem]) {
        let root: Node?
        if let kept = ComposedTrees.shared.kept(yaml) {
            // Composed before, so it passed the guard below then (its limits are constants).
            root = kept
        } else {
            if let hostile = YAMLGuard.problem(yaml, maxBytes: maxBytes, maxDepth: maxDepth, maxAliases: maxAliases) { return (nil, [hostile]) }
            do {
                root = try ComposedTrees.shared.root(of: yaml) { try Yams.compose(yaml: $0, Self.resolver, .default, .utf8) }
            } catch {
                return (nil, [yamlProblem(error)])
            }
        }
        guard let root else {
            return (nil, [ScoreProblem(code: ScoreCode.missingKey, message: "the score is empty", line: 1, column: 1, hint: "a score needs at least name and prompt")])
        }
        let cwd = FileManager.default.currentDirectoryPath
        let directory = RealPath.resolve(baseDirectory, relativeTo: cwd)
        var parser = ScoreParser(baseDirectory: directory)
        guard var score = parser.parseScore(root) else { return (nil, ordered(parser.problems)) }
        let plan = SheetPlanner.expand(score.sheet, marks: parser.marks, problems: &parser.problems)
        var sheets = plan.sheets
        if sheets.isEmpty, !parser.problems.contains(where: { $0.severity == .error }) {
            sheets = [PlannedSheet(number: 1, startItem: score.sheet.startItem, endItem: score.sheet.startItem, dependencies: [], stage: 1)]
        }
        ScoreChecks.expandStageKeys(&score, plan: plan)
        checkTemplate(score.prompt, line: parser.templateLine ?? parser.marks["prompt.template"]?.line, problems: &parser.problems)
        ScoreChecks.checkPlaceholders(score, marks: parser.marks, problems: &parser.problems)
        ScoreChecks.checkSheetKeys(score, sheets: sheets, marks: parser.marks, problems: &parser.problems)
        var catalog = instruments ?? .builtin
        catalog.add(directory: InstrumentCatalog.scoreDirectory(directory))
        ScoreChecks.checkSheetInstruments(score, sheets: sheets, catalog: catalog, marks: parser.marks, problems: &parser.problems, blockers: &parser.runBlockers)
        let workspace = RealPath.resolve(workspaceOverride ?? score.workspace, relativeTo: workspaceOverride == nil ? directory : cwd)
        let errors = parser.problems.filter { $0.severity == .error }
        guard errors.isEmpty else { return (nil, ordered(parser.problems)) }
        var loaded = LoadedScore(
            score: score, source: yaml, path: path.map { $0.absolutePath(relativeTo: cwd) },
            workspace: workspace, sheets: sheets, warnings: parser.problems.filter { $0.severity == .warning }, scoreDirectory: directory
        )
        loaded.runBlockers = parser.runBlockers
        loaded.instruments = catalog
        loaded.warnings = ordered(loaded.warnings)
        return (loaded, ordered(parser.problems))
    }

    /// Problems in the order of their place in the file (those without a place last).
    static func ordered(_ problems: [ScoreProblem]) -> [ScoreProblem] {
        problems.enumerated().sorted { a, b in
            let left = (a.element.line ?? Int.max, a.element.column ?? 0, a.offset)
            let right = (b.element.line ?? Int.max, b.element.column ?? 0, b.offset)
            return left < right
        }.map(\.element)
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
        YAMLGuard.problem(yaml, maxBytes: maxBytes, maxDepth: maxDepth, maxAliases: maxAliases)
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
            let defined = ScoreKeys.builtins.union(ScoreKeys.jinjaGlobals).union(prompt.variables.keys)
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
