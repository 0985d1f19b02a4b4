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
                backend.rateLimitPatterns = items.compactMap { item in
                    guard let pattern = string(item, path) else { return nil }
                    checkRegex(pattern, item, path)
                    return pattern
                }
            case "rate_limit_wait": backend.rateLimitWaitSeconds = duration(value, path) ?? backend.rateLimitWaitSeconds
            case "stream_output": backend.streamOutput = bool(value, path) ?? false
            default: break
            }
        }
        backend.timeoutOverrides = timeoutOverrides.merging(sheetOverrides) { $1 }
    }

    /// Checks the settings this project reads in an instrument configuration and returns it.
    mutating func instrumentConfig(_ node: Node, _ path: String) -> [String: JSONValue] {
        guard case .mapping = node else { return config(node, path) }
        for (key, _, value) in stringMap(node, path) {
            let itemPath = "\(path).\(key)"
            switch key {
            case "timeout_seconds": if !Self.isNull(value) { _ = seconds(value, itemPath, above: true) }
            case "cli_args": _ = strings(value, itemPath)
            case "executable", "working_directory", "model": if !Self.isNull(value) { _ = string(value, itemPath) }
            case "env": for (name, _, item) in stringMap(value, itemPath) { _ = string(item, "\(itemPath).\(name)") }
            default: break
            }
        }
        return config(node, path)
    }

    /// The score-level instrument (after its alias) decides the backend; the settings this
    /// project's backends understand are applied, the others are kept and warned about.
    mutating func applyScoreInstrument(_ score: inout Score, node: Node) {
        var settings = score.instrumentConfig
        if let name = score.instrument, !name.isEmpty {
            var profile = name
            if let alias = score.instruments[name] {
                profile = alias.profile
                settings.merge(alias.config) { $1 }
            }
            if let type = InstrumentNames.backendType(for: profile) {
                score.backend.type = type
            } else if InstrumentNames.known.contains(profile) {
                blockRun("instrument \(profile) does not run here: this conductor runs cli and claude-code", node)
            } else {
                blockRun("instrument \(profile) is not a known instrument", node,
                         hint: ScoreKeys.suggestion(for: profile, in: InstrumentNames.known.union(score.instruments.keys)).map { "did you mean `\($0)`?" }
                             ?? "define it under instruments: or use cli or claude-code")
            }
        }
        for (key, value) in settings {
            switch (key, value) {
            case ("timeout_seconds", .int(let seconds)) where seconds > 0 && Double(seconds) <= ScoreLimits.maxSeconds:
                score.backend.timeoutSeconds = Double(seconds)
            case ("timeout_seconds", .double(let seconds)) where seconds.isFinite && seconds > 0 && seconds <= ScoreLimits.maxSeconds:
                score.backend.timeoutSeconds = seconds
            case ("timeout_seconds", _):
                problems.append(ScoreProblem(
                    code: ScoreCode.invalidValue,
                    message: "instrument_config.timeout_seconds must be a finite number of seconds above 0 and at most \(Int(ScoreLimits.maxSeconds)) (30 days), got \(value)",
                    line: marks["instrument_config"]?.line, column: marks["instrument_config"]?.column
                ))
            case ("cli_args", .array(let items)): score.backend.cliArgs = items.compactMap(\.stringValue)
            case ("executable", .string(let text)): score.backend.executable = text
            case ("working_directory", .string(let text)): score.backend.workingDirectory = text
            case ("env", .object(let pairs)):
                for (name, item) in pairs { if let text = item.stringValue { score.backend.env[name] = text } }
            default: break
            }
        }
        for key in score.instrumentConfig.keys.sorted() where !ScoreKeys.appliedInstrumentConfig.contains(key) {
            problems.append(ScoreProblem(
                code: ScoreCode.ignoredKey, message: "instrument_config.\(key) is kept for the instrument but not applied by this project's backends",
                line: marks["instrument_config"]?.line, column: marks["instrument_config"]?.column, severity: .warning
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
