import Foundation
import Yams

extension ScoreParser {
    mutating func parseBackend(_ node: Node, into backend: inout BackendConfig) {
        guard let entries = mapping(node, "backend", known: ScoreKeys.backend, section: "backend") else { return }
        var timeoutOverrides: [Int: Double] = [:]
        var sheetOverrides: [Int: Double] = [:]
        var sawTimeout: Node?
        for (key, keyNode, value) in entries {
            let path = "backend.\(key)"
            switch key {
            case "type":
                guard let text = string(value, path) else { continue }
                marks["backend.type"] = value.mark
                if let type = BackendType(rawValue: text) ?? InstrumentNames.backendType(for: text) {
                    backend.type = type
                    backend.typeDeclared = true
                } else if InstrumentNames.known.contains(text) {
                    blockRun("backend.type \(text) does not run here: this conductor runs command (cli) and claude_cli (claude-code)", value)
                } else {
                    report(ScoreCode.invalidValue, "backend.type \"\(text)\" is not known", value, hint: "use command or claude_cli")
                }
            case "timeout", "timeout_seconds":
                if let other = sawTimeout {
                    report(ScoreCode.invalidValue, "backend has both timeout and timeout_seconds", keyNode, hint: "keep one (line \(other.mark?.line ?? 0))")
                }
                sawTimeout = keyNode
                backend.timeoutDeclared = true
                backend.timeoutSeconds = key == "timeout" ? duration(value, path) : seconds(value, path, above: true)
            case "timeout_overrides":
                for (sheet, _, item) in sheetMap(value, path) {
                    if let seconds = seconds(item, "\(path).\(sheet)", above: true) { timeoutOverrides[sheet] = seconds }
                }
            case "sheet_overrides":
                for (sheet, _, item) in sheetMap(value, path) {
                    let itemPath = "\(path).\(sheet)"
                    for (field, _, fieldValue) in mapping(item, itemPath, known: ScoreKeys.sheetOverride, section: "backend.sheet_overrides") ?? [] {
                        if field == "timeout_seconds", !Self.isNull(fieldValue), let seconds = seconds(fieldValue, "\(itemPath).\(field)", above: true) {
                            sheetOverrides[sheet] = seconds
                        }
                    }
                }
            case "env":
                for (name, _, item) in stringMap(value, path) {
                    if let text = string(item, "\(path).\(name)") { backend.env[name] = text }
                }
            case "working_directory": backend.workingDirectory = optionalString(value, path)
            case "cli_args": backend.cliArgs = strings(value, path) ?? []
            case "executable": backend.executable = string(value, path)
            case "rate_limit_patterns":
                guard case .sequence(let items) = value else {
                    report(ScoreCode.wrongType, "\(path) must be a list of regular expressions", value)
                    continue
                }
                backend.rateLimitDeclared = true
                backend.rateLimitPatterns = items.compactMap { item in
                    guard let pattern = string(item, path) else { return nil }
                    checkRegex(pattern, item, path)
                    return pattern
                }
            case "rate_limit_wait":
                backend.rateLimitDeclared = true
                backend.rateLimitWaitSeconds = duration(value, path) ?? backend.rateLimitWaitSeconds
            case "stream_output": backend.streamOutput = bool(value, path) ?? false
            case "skip_permissions", "disable_mcp", "output_format", "cli_model", "allowed_tools", "system_prompt_file", "cli_extra_args":
                let setting = jsonValue(value, path)
                if setting != .null { backend.instrumentSettings[key] = setting }
                var settingProblems: [String] = []
                _ = InstrumentSettings(config: [key: setting], problems: &settingProblems)
                for problem in settingProblems { report(ScoreCode.wrongType, "backend.\(problem)", value) }
                if key == "output_format", case .string(let format) = setting, !["json", "text", "stream-json"].contains(format) {
                    report(ScoreCode.invalidValue, "backend.output_format \"\(format)\" is not one of json, text, stream-json", value)
                }
            default: break
            }
        }
        backend.timeoutOverrides = timeoutOverrides.merging(sheetOverrides) { $1 }
    }

    /// An instrument configuration: each setting instruments apply is type-checked
    /// (`InstrumentSettings`), the others are kept (W001 for the score's `instrument_config`).
    mutating func instrumentConfig(_ node: Node, _ path: String) -> [String: JSONValue] {
        let settings = config(node, path)
        guard case .mapping = node else { return settings }
        var settingProblems: [String] = []
        _ = InstrumentSettings(config: settings, problems: &settingProblems)
        for problem in settingProblems {
            // A number out of its range is a bad value (V005); anything else is the wrong type.
            report(problem.hasPrefix("timeout_seconds") ? ScoreCode.invalidValue : ScoreCode.wrongType, "\(path).\(problem)", node)
        }
        return settings
    }

    /// Keys of the score's `instrument_config` that no instrument applies: W001.
    mutating func warnUnappliedInstrumentConfig(_ score: Score) {
        for key in score.instrumentConfig.keys.sorted() where !ScoreKeys.appliedInstrumentConfig.contains(key) {
            problems.append(ScoreProblem(
                code: ScoreCode.ignoredKey, message: "instrument_config.\(key) is kept but no instrument applies it",
                line: marks["instrument_config"]?.line, column: marks["instrument_config"]?.column,
                hint: "instruments apply \(ScoreKeys.appliedInstrumentConfig.sorted().joined(separator: ", "))", severity: .warning
            ))
        }
    }

    /// A problem that only stops the score from running (a warning for `mzt validate`).
    mutating func blockRun(_ message: String, _ node: Node?, hint: String? = nil) {
        let problem = ScoreProblem(code: ScoreCode.instrument, message: message, line: node?.mark?.line, column: node?.mark?.column, hint: hint, severity: .warning)
        problems.append(problem)
        runBlockers.append(problem)
    }

    mutating func checkRegex(_ pattern: String, _ node: Node, _ path: String) {
        do {
            _ = try NSRegularExpression(pattern: pattern)
        } catch {
            report(ScoreCode.badRegex, "\(path): \"\(pattern)\" is not a valid regular expression", node, hint: "check brackets and escapes")
        }
    }
}
