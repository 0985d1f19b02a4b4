import Foundation
import Yams

/// Reads an instrument profile in Marianne's format. Every key is checked (unknown keys are
/// errors, as Marianne's `extra=forbid`), every number bounded, every pattern compiled; all
/// problems are reported at once with the file, the field and the line.
public enum InstrumentProfileParser {
    /// Profiles larger than this are refused before parsing.
    public static let maxBytes = 256 * 1024

    /// Parses `yaml` read from `file` (a path, or `builtin:NAME`).
    public static func parse(_ yaml: String, file: String) throws(InstrumentProfileError) -> InstrumentProfile {
        if let hostile = YAMLGuard.problem(yaml, maxBytes: maxBytes, maxDepth: 32, maxAliases: 20) {
            throw InstrumentProfileError(problems: [InstrumentProfileProblem(
                file: file, field: "", message: hostile.message.replacingOccurrences(of: "the score", with: "the profile"), line: hostile.line
            )])
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            let problem = ScoreLoader.yamlProblem(error)
            throw InstrumentProfileError(problems: [InstrumentProfileProblem(
                file: file, field: "", message: problem.message, line: problem.line, column: problem.column
            )])
        }
        guard let root else {
            throw InstrumentProfileError(problems: [InstrumentProfileProblem(file: file, field: "", message: "the profile is empty", line: 1)])
        }
        var reader = ProfileReader(file: file)
        let profile = parseProfile(root, reader: &reader, file: file)
        guard reader.problems.isEmpty, let profile else { throw InstrumentProfileError(problems: reader.problems) }
        return profile
    }

    static let rootKeys: Set<String> = [
        "name", "display_name", "description", "kind", "capabilities", "code_mode", "models", "default_model",
        "default_timeout_seconds", "raw_prompt", "cli", "http",
    ]

    static func parseProfile(_ root: Node, reader: inout ProfileReader, file: String) -> InstrumentProfile? {
        guard let entries = reader.mapping(root, "", known: rootKeys) else { return nil }
        let name = reader.string(entries["name"], "name", required: true, nonEmpty: true)
        if let name, !ScoreParser.isValidName(name) {
            reader.report("name", "\"\(name)\" is not a valid instrument name: use 1-64 letters, digits, '.', '_' or '-'", entries["name"])
        }
        let displayName = reader.string(entries["display_name"], "display_name", required: true, nonEmpty: true)
        let kind = reader.string(entries["kind"], "kind", required: true)
        if let kind, kind != "cli", kind != "http" {
            reader.report("kind", "must be cli or http, got \"\(kind)\"", entries["kind"])
        }
        var profile = InstrumentProfile(name: name ?? "", displayName: displayName ?? "", kind: kind ?? "cli", source: file)
        profile.description = reader.string(entries["description"], "description")
        profile.capabilities = (reader.strings(entries["capabilities"], "capabilities") ?? []).uniqued()
        if let node = entries["code_mode"], !ProfileReader.isNull(node) {
            _ = reader.mapping(node, "code_mode", known: ["interfaces", "runtime", "max_execution_ms"])
        }
        profile.models = parseModels(entries["models"], reader: &reader)
        profile.defaultModel = reader.string(entries["default_model"], "default_model")
        profile.defaultTimeoutSeconds = reader.number(
            entries["default_timeout_seconds"], "default_timeout_seconds", in: 0...ScoreLimits.maxSeconds, above: true
        ) ?? InstrumentProfile.defaultTimeout
        profile.rawPrompt = reader.bool(entries["raw_prompt"], "raw_prompt") ?? false
        if let node = entries["cli"], !ProfileReader.isNull(node) {
            profile.cli = CLIProfileParser.parse(node, reader: &reader)
        }
        if let node = entries["http"], !ProfileReader.isNull(node) {
            parseHTTP(node, reader: &reader)
        }
        if profile.kind == "cli", profile.cli == nil, !ProfileReader.isNull(entries["kind"]) {
            if ProfileReader.isNull(entries["cli"]) {
                reader.report("cli", "kind is cli but there is no cli section: give cli.command and cli.output", root)
            }
        }
        if profile.kind == "http", ProfileReader.isNull(entries["http"]) {
            reader.report("http", "kind is http but there is no http section: give http.base_url and http.schema_family", root)
        }
        return profile
    }

    static let modelKeys: Set<String> = ["name", "context_window", "cost_per_1k_input", "cost_per_1k_output", "max_output_tokens", "max_concurrent"]

    static func parseModels(_ node: Node?, reader: inout ProfileReader) -> [ModelCapacity] {
        guard let node, !ProfileReader.isNull(node) else { return [] }
        guard case .sequence(let items) = node else {
            reader.report("models", "must be a list of models, got \(ProfileReader.describe(node))", node)
            return []
        }
        guard items.count <= ProfileReader.maxListItems else {
            reader.report("models", "has \(items.count) models; at most \(ProfileReader.maxListItems)", node)
            return []
        }
        var models: [ModelCapacity] = []
        var seen: Set<String> = []
        for (index, item) in items.enumerated() {
            let field = "models[\(index)]"
            guard let entries = reader.mapping(item, field, known: modelKeys) else { continue }
            let name = reader.string(entries["name"], "\(field).name", required: true, nonEmpty: true)
            let window = reader.int(entries["context_window"], "\(field).context_window", in: 1...Int(ScoreLimits.maxMagnitude), required: true)
            let input = reader.number(entries["cost_per_1k_input"], "\(field).cost_per_1k_input", in: 0...1_000_000, required: true)
            let output = reader.number(entries["cost_per_1k_output"], "\(field).cost_per_1k_output", in: 0...1_000_000, required: true)
            let maxOutput = reader.int(entries["max_output_tokens"], "\(field).max_output_tokens", in: 1...Int(ScoreLimits.maxMagnitude))
            let concurrent = reader.int(entries["max_concurrent"], "\(field).max_concurrent", in: 1...ScoreLimits.maxCount)
            guard let name, let window, let input, let output else { continue }
            if !seen.insert(name).inserted {
                reader.report("\(field).name", "model \(name) is listed twice", entries["name"])
            }
            models.append(ModelCapacity(
                name: name, contextWindow: window, costPer1kInput: input, costPer1kOutput: output, maxOutputTokens: maxOutput,
                maxConcurrent: concurrent ?? ModelCapacity.defaultMaxConcurrent
            ))
        }
        return models
    }

    /// HTTP instruments are described in Marianne's format; this conductor does not run them.
    static func parseHTTP(_ node: Node, reader: inout ProfileReader) {
        guard let entries = reader.mapping(node, "http", known: ["base_url", "endpoint", "schema_family", "auth_env_var"]) else { return }
        _ = reader.string(entries["base_url"], "http.base_url", required: true, nonEmpty: true)
        _ = reader.string(entries["endpoint"], "http.endpoint")
        if let family = reader.string(entries["schema_family"], "http.schema_family", required: true), !["openai", "anthropic", "gemini"].contains(family) {
            reader.report("http.schema_family", "must be openai, anthropic or gemini, got \"\(family)\"", entries["schema_family"])
        }
        _ = reader.string(entries["auth_env_var"], "http.auth_env_var")
    }
}

extension Array where Element: Hashable {
    /// The elements in order, each once.
    func uniqued() -> [Element] {
        var seen: Set<Element> = []
        return filter { seen.insert($0).inserted }
    }
}
