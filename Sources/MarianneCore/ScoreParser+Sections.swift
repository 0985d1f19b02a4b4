import Foundation
import Yams

extension ScoreParser {
    /// Builds the score from the root mapping. Returns nil when required parts are missing.
    mutating func parseScore(_ root: Node) -> Score? {
        guard let entries = mapping(root, "", known: ScoreKeys.root, ignored: ScoreKeys.ignoredRoot) else { return nil }
        var name: String?
        var workspace: String?
        var score = Score(name: "", workspace: "")
        var sawPrompt = false
        var instrument: BackendType?
        var instrumentConfig: Node?
        for (key, keyNode, value) in entries {
            marks[key] = keyNode.mark
            switch key {
            case "name":
                name = string(value, "name")
                if let candidate = name, !Self.isValidName(candidate) {
                    report(ScoreCode.invalidName, "name \"\(candidate)\" cannot be a job id", value,
                           hint: "use 1-64 letters, digits, '.', '_' or '-', not starting with '.'")
                }
            case "description": score.description = string(value, "description")
            case "workspace":
                workspace = string(value, "workspace")
                if workspace?.isEmpty == true { report(ScoreCode.invalidValue, "workspace must not be empty", value) }
                if workspace?.split(separator: "/").contains("..") == true {
                    report(ScoreCode.invalidValue, "workspace must not contain '..'", value, hint: "name the directory without going up, or use an absolute path")
                }
            case "backend": parseBackend(value, into: &score.backend)
            case "instrument":
                switch string(value, "instrument") {
                case "cli", "command", "shell": instrument = .command
                case "claude-code", "claude_cli", "claude": instrument = .claudeCLI
                case let other?:
                    report(ScoreCode.invalidValue, "instrument \"\(other)\" is not known", value, hint: "use cli or claude-code")
                case nil: break
                }
            case "instrument_config": instrumentConfig = value
            case "sheet": parseSheet(value, into: &score.sheet)
            case "prompt":
                sawPrompt = true
                parsePrompt(value, into: &score.prompt)
            case "validations": score.validations = parseValidations(value)
            case "retry": parseRetry(value, into: &score.retry)
            case "parallel": parseParallel(value, into: &score.parallel)
            case "max_duration": score.maxDurationSeconds = duration(value, "max_duration")
            case "pause_between_sheets_seconds": score.pauseBetweenSheetsSeconds = number(value, key, minimum: 0) ?? 0
            case "on_success": score.onSuccess = parseHooks(value)
            default: break
            }
        }
        if let instrument { score.backend.type = instrument }
        if let instrumentConfig { parseInstrumentConfig(instrumentConfig, into: &score.backend) }
        if name == nil, !entries.contains(where: { $0.0 == "name" }) {
            report(ScoreCode.missingKey, "the score needs a name", root, hint: "add `name: my-job` (it becomes the job id)")
        }
        if workspace == nil, !entries.contains(where: { $0.0 == "workspace" }) {
            report(ScoreCode.missingKey, "the score needs a workspace", root, hint: "add `workspace: ./my-job-ws` (relative to the score file)")
        }
        if !sawPrompt {
            report(ScoreCode.missingKey, "the score needs a prompt", root, hint: "add `prompt: {template: \"echo hello\"}`")
        }
        guard let name, let workspace else { return nil }
        score.name = name
        score.workspace = workspace
        return score
    }

    static func isValidName(_ name: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        return !name.isEmpty && name.count <= 64 && !name.hasPrefix(".") && name.allSatisfy(allowed.contains)
    }

    mutating func parseBackend(_ node: Node, into backend: inout BackendConfig) {
        guard let entries = mapping(node, "backend", known: ScoreKeys.backend, ignored: ScoreKeys.ignoredNested) else { return }
        for (key, _, value) in entries {
            let path = "backend.\(key)"
            switch key {
            case "type":
                guard let text = string(value, path) else { continue }
                if let type = BackendType(rawValue: text) {
                    backend.type = type
                } else if text == "claude-code" || text == "claude" {
                    backend.type = .claudeCLI
                } else {
                    report(ScoreCode.invalidValue, "backend.type \"\(text)\" is not known", value, hint: "use command or claude_cli")
                }
            case "timeout": backend.timeoutSeconds = duration(value, path)
            case "env":
                guard let pairs = mapping(value, path, known: Set(value.mapping?.keys.compactMap(\.string) ?? [])) else { continue }
                for (name, _, item) in pairs {
                    if let text = string(item, "\(path).\(name)") { backend.env[name] = text }
                }
            case "working_directory": backend.workingDirectory = string(value, path)
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
    }

    mutating func parseInstrumentConfig(_ node: Node, into backend: inout BackendConfig) {
        guard let entries = mapping(node, "instrument_config", known: ScoreKeys.instrumentConfig, ignored: ScoreKeys.ignoredNested) else { return }
        for (key, _, value) in entries {
            let path = "instrument_config.\(key)"
            switch key {
            case "timeout_seconds": backend.timeoutSeconds = number(value, path, minimum: 0)
            case "cli_args": backend.cliArgs = strings(value, path) ?? []
            case "executable": backend.executable = string(value, path)
            case "working_directory": backend.workingDirectory = string(value, path)
            case "env":
                for (name, _, item) in mapping(value, path, known: Set(value.mapping?.keys.compactMap(\.string) ?? [])) ?? [] {
                    if let text = string(item, "\(path).\(name)") { backend.env[name] = text }
                }
            default: break
            }
        }
    }

    mutating func checkRegex(_ pattern: String, _ node: Node, _ path: String) {
        do {
            _ = try NSRegularExpression(pattern: pattern)
        } catch {
            report(ScoreCode.badRegex, "\(path): \"\(pattern)\" is not a valid regular expression", node, hint: "check brackets and escapes")
        }
    }

    mutating func intMap(_ node: Node, _ path: String) -> [(Int, Node, Node)] {
        guard case .mapping(let mapping) = node else {
            report(ScoreCode.wrongType, "\(path) must be a mapping of sheet numbers", node)
            return []
        }
        return mapping.compactMap { key, value in
            guard let number = key.int else {
                report(ScoreCode.wrongType, "\(path) keys must be sheet numbers, got \(Self.describe(key))", key)
                return nil
            }
            return (number, key, value)
        }
    }

    mutating func parseSheet(_ node: Node, into sheet: inout SheetConfig) {
        guard let entries = mapping(node, "sheet", known: ScoreKeys.sheet) else { return }
        for (key, keyNode, value) in entries {
            let path = "sheet.\(key)"
            marks["sheet.\(key)"] = keyNode.mark
            switch key {
            case "size": sheet.size = int(value, path, minimum: 1) ?? sheet.size
            case "total_items": sheet.totalItems = int(value, path, minimum: 1) ?? sheet.totalItems
            case "start_item": sheet.startItem = int(value, path, minimum: 0) ?? sheet.startItem
            case "dependencies":
                for (number, _, list) in intMap(value, path) {
                    if case .sequence(let items) = list {
                        sheet.dependencies[number] = items.compactMap { int($0, "\(path).\(number)") }
                    } else if let single = list.int {
                        sheet.dependencies[number] = [single]
                    } else {
                        report(ScoreCode.wrongType, "\(path).\(number) must be a list of sheet numbers", list)
                    }
                }
            case "fan_out":
                for (number, _, count) in intMap(value, path) {
                    if let value = int(count, "\(path).\(number)", minimum: 1) { sheet.fanOut[number] = value }
                }
            default: break
            }
        }
    }

    mutating func parsePrompt(_ node: Node, into prompt: inout PromptConfig) {
        guard let entries = mapping(node, "prompt", known: ScoreKeys.prompt) else { return }
        var sawTemplate = false
        for (key, keyNode, value) in entries {
            switch key {
            case "template":
                sawTemplate = true
                prompt.template = string(value, "prompt.template") ?? ""
                if case .scalar(let scalar) = value, let mark = value.mark {
                    let block = scalar.style == .literal || scalar.style == .folded
                    templateLine = block ? mark.line + 1 : mark.line
                }
                marks["prompt.template"] = value.mark
            case "template_file":
                guard let file = string(value, "prompt.template_file") else { continue }
                prompt.templateFile = file
                let path = file.hasPrefix("/") ? file : (baseDirectory as NSString).appendingPathComponent(file)
                if let data = FileManager.default.contents(atPath: path), data.count <= ScoreLoader.maxBytes,
                   let text = String(data: data, encoding: .utf8) {
                    prompt.template = text
                    templateLine = 1
                    marks["prompt.template"] = value.mark
                } else {
                    report(ScoreCode.unreadableFile, "prompt.template_file \(path) cannot be read", value, hint: "the path is relative to the score file")
                }
                if sawTemplate { report(ScoreCode.invalidValue, "prompt has both template and template_file", keyNode, hint: "keep one") }
                sawTemplate = true
            case "variables":
                guard let pairs = mapping(value, "prompt.variables", known: Set(value.mapping?.keys.compactMap(\.string) ?? [])) else { continue }
                for (name, nameNode, item) in pairs {
                    if ScoreKeys.builtins.contains(name) {
                        report(ScoreCode.invalidValue, "prompt.variables.\(name) would hide the built-in variable", nameNode, hint: "choose another name")
                    }
                    prompt.variables[name] = templateValue(item)
                }
            default: break
            }
        }
        if !sawTemplate {
            report(ScoreCode.missingKey, "prompt needs a template or a template_file", node)
        }
    }

    mutating func parseValidations(_ node: Node) -> [ValidationRule] {
        guard case .sequence(let items) = node else {
            report(ScoreCode.wrongType, "validations must be a list", node)
            return []
        }
        var rules: [ValidationRule] = []
        for (index, item) in items.enumerated() {
            let path = "validations[\(index)]"
            guard let entries = mapping(item, path, known: ScoreKeys.validation) else { continue }
            var type: ValidationType?
            var rule = ValidationRule(type: .fileExists)
            var typeNode: Node?
            for (key, _, value) in entries {
                switch key {
                case "type":
                    typeNode = value
                    guard let text = string(value, "\(path).type") else { continue }
                    type = ValidationType(rawValue: text)
                    if type == nil {
                        let known = Set(ValidationType.allCases.map(\.rawValue))
                        report(ScoreCode.unknownValidationType, "\(path).type \"\(text)\" is not a validation type", value,
                               hint: ScoreKeys.suggestion(for: text, in: known).map { "did you mean `\($0)`?" } ?? "use one of \(known.sorted().joined(separator: ", "))")
                    }
                case "path": rule.path = string(value, "\(path).path")
                case "pattern": rule.pattern = string(value, "\(path).pattern")
                case "command": rule.command = string(value, "\(path).command")
                case "description": rule.description = string(value, "\(path).description")
                case "stage": rule.stage = int(value, "\(path).stage", minimum: 1) ?? 1
                case "timeout_seconds": rule.timeoutSeconds = number(value, "\(path).timeout_seconds", minimum: 0) ?? rule.timeoutSeconds
                default: break
                }
            }
            guard let type else {
                if typeNode == nil { report(ScoreCode.missingKey, "\(path) needs a type", item) }
                continue
            }
            rule.type = type
            let needsPath = type != .commandSucceeds
            let needsPattern = type == .contentContains || type == .contentRegex
            if needsPath, rule.path == nil { report(ScoreCode.validationField, "\(path) (\(type.rawValue)) needs a path", item) }
            if needsPattern, rule.pattern == nil { report(ScoreCode.validationField, "\(path) (\(type.rawValue)) needs a pattern", item) }
            if type == .commandSucceeds, rule.command == nil { report(ScoreCode.validationField, "\(path) (command_succeeds) needs a command", item) }
            if type == .contentRegex, let pattern = rule.pattern { checkRegex(pattern, item, "\(path).pattern") }
            for text in [rule.path, rule.command].compactMap({ $0 }) { checkPlaceholders(text, item, path) }
            rules.append(rule)
        }
        return rules
    }

    /// `{name}` placeholders in validation paths and commands must be known ones.
    mutating func checkPlaceholders(_ text: String, _ node: Node, _ path: String) {
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}") else { break }
            let name = String(after[..<close])
            if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0 == "_" }), !ScoreKeys.placeholders.contains(name) {
                report(ScoreCode.undefinedVariable, "\(path): unknown placeholder {\(name)}", node,
                       hint: "known: " + ScoreKeys.placeholders.sorted().map { "{\($0)}" }.joined(separator: ", "))
            }
            rest = after[after.index(after: close)...]
        }
    }

    mutating func parseRetry(_ node: Node, into retry: inout RetryPolicy) {
        for (key, _, value) in mapping(node, "retry", known: ScoreKeys.retry) ?? [] {
            let path = "retry.\(key)"
            switch key {
            case "max_retries": retry.maxRetries = int(value, path, minimum: 0) ?? retry.maxRetries
            case "base_delay_seconds": retry.baseDelaySeconds = number(value, path, minimum: 0) ?? retry.baseDelaySeconds
            case "max_delay_seconds": retry.maxDelaySeconds = number(value, path, minimum: 0) ?? retry.maxDelaySeconds
            case "exponential_base": retry.exponentialBase = number(value, path, minimum: 1) ?? retry.exponentialBase
            case "jitter": retry.jitter = bool(value, path) ?? retry.jitter
            default: break
            }
        }
    }

    mutating func parseParallel(_ node: Node, into parallel: inout ParallelConfig) {
        var enabled = true
        for (key, _, value) in mapping(node, "parallel", known: ScoreKeys.parallel) ?? [] {
            if key == "max_concurrent" { parallel.maxConcurrent = int(value, "parallel.max_concurrent", minimum: 1) ?? 1 }
            if key == "enabled" { enabled = bool(value, "parallel.enabled") ?? true }
        }
        if !enabled { parallel.maxConcurrent = 1 }
    }

    mutating func parseHooks(_ node: Node) -> [Hook] {
        guard case .sequence(let items) = node else {
            report(ScoreCode.wrongType, "on_success must be a list of {run_command: ...} or {run_job: ...}", node)
            return []
        }
        var hooks: [Hook] = []
        for (index, item) in items.enumerated() {
            let path = "on_success[\(index)]"
            guard let entries = mapping(item, path, known: ScoreKeys.hook) else { continue }
            guard entries.count == 1, let (key, _, value) = entries.first else {
                report(ScoreCode.invalidValue, "\(path) needs exactly one of run_command or run_job", item)
                continue
            }
            guard let text = string(value, "\(path).\(key)") else { continue }
            hooks.append(key == "run_command" ? .runCommand(text) : .runJob(text))
        }
        return hooks
    }
}
