import Foundation
import Yams

/// Reads the `cli` section of a profile: `command`, `output`, `errors`.
enum CLIProfileParser {
    static let keys: Set<String> = ["command", "output", "errors"]
    static let commandKeys: Set<String> = [
        "executable", "subcommand", "prompt_flag", "model_flag", "auto_approve_flag", "output_format_flag",
        "output_format_value", "system_prompt_flag", "allowed_tools_flag", "mcp_config_flag", "mcp_disable_args",
        "timeout_flag", "working_dir_flag", "extra_flags", "env", "prompt_via_stdin", "stdin_sentinel",
        "start_new_session", "required_env",
    ]
    static let outputKeys: Set<String> = [
        "format", "result_path", "error_path", "completion_event_type", "completion_event_filter", "input_tokens_path",
        "output_tokens_path", "aggregate_tokens",
    ]
    static let errorKeys: Set<String> = [
        "success_exit_codes", "rate_limit_patterns", "auth_error_patterns", "capacity_patterns", "timeout_patterns",
        "crash_patterns", "stale_patterns", "rate_limit_event_type", "rate_limit_event_filter",
    ]

    static func parse(_ node: Node, reader: inout ProfileReader) -> CLIProfile? {
        guard let entries = reader.mapping(node, "cli", known: keys) else { return nil }
        guard let commandNode = entries["command"], !ProfileReader.isNull(commandNode) else {
            reader.report("cli.command", "is required: give at least cli.command.executable", node)
            return nil
        }
        guard let outputNode = entries["output"], !ProfileReader.isNull(outputNode) else {
            reader.report("cli.output", "is required: give at least cli.output.format (text, json or jsonl)", node)
            return nil
        }
        guard let command = parseCommand(commandNode, reader: &reader) else { return nil }
        let output = parseOutput(outputNode, reader: &reader)
        var errors = CLIErrorSpec()
        if let errorNode = entries["errors"], !ProfileReader.isNull(errorNode) {
            errors = parseErrors(errorNode, reader: &reader)
        }
        return CLIProfile(command: command, output: output, errors: errors)
    }

    static func parseCommand(_ node: Node, reader: inout ProfileReader) -> CLICommandSpec? {
        guard let entries = reader.mapping(node, "cli.command", known: commandKeys) else { return nil }
        let path = "cli.command"
        guard let executable = reader.string(entries["executable"], "\(path).executable", required: true, nonEmpty: true) else { return nil }
        func text(_ key: String) -> String? {
            let value = reader.string(entries[key], "\(path).\(key)")
            if value?.isEmpty == true {
                reader.report("\(path).\(key)", "must not be empty (leave it out or write null)", entries[key])
            }
            return value
        }
        var command = CLICommandSpec(executable: executable)
        command.subcommand = text("subcommand")
        command.promptFlag = text("prompt_flag")
        command.modelFlag = text("model_flag")
        command.autoApproveFlag = text("auto_approve_flag")
        command.outputFormatFlag = text("output_format_flag")
        command.outputFormatValue = reader.string(entries["output_format_value"], "\(path).output_format_value")
        command.systemPromptFlag = text("system_prompt_flag")
        command.allowedToolsFlag = text("allowed_tools_flag")
        command.mcpConfigFlag = text("mcp_config_flag")
        command.mcpDisableArgs = reader.strings(entries["mcp_disable_args"], "\(path).mcp_disable_args") ?? []
        command.timeoutFlag = text("timeout_flag")
        command.workingDirFlag = text("working_dir_flag")
        command.extraFlags = reader.strings(entries["extra_flags"], "\(path).extra_flags") ?? []
        command.env = reader.stringMap(entries["env"], "\(path).env") ?? [:]
        command.promptViaStdin = reader.bool(entries["prompt_via_stdin"], "\(path).prompt_via_stdin") ?? true
        command.stdinSentinel = reader.string(entries["stdin_sentinel"], "\(path).stdin_sentinel")
        command.startNewSession = reader.bool(entries["start_new_session"], "\(path).start_new_session") ?? false
        command.requiredEnv = reader.strings(entries["required_env"], "\(path).required_env")
        for (index, name) in (command.requiredEnv ?? []).enumerated() where !InstrumentEnvironment.isValidName(name) {
            reader.report("\(path).required_env[\(index)]", "\"\(name)\" is not an environment variable name", entries["required_env"])
        }
        for name in command.env.keys.sorted() where !InstrumentEnvironment.isValidName(name) {
            reader.report("\(path).env", "\"\(name)\" is not an environment variable name", entries["env"])
        }
        if executable.contains("\0") || executable.hasSuffix("/") {
            reader.report("\(path).executable", "\"\(executable)\" is not a program name or path", entries["executable"])
        }
        return command
    }

    static func parseOutput(_ node: Node, reader: inout ProfileReader) -> CLIOutputSpec {
        var output = CLIOutputSpec()
        guard let entries = reader.mapping(node, "cli.output", known: outputKeys) else { return output }
        let path = "cli.output"
        if let format = reader.string(entries["format"], "\(path).format") {
            if let value = CLIOutputSpec.Format(rawValue: format) {
                output.format = value
            } else {
                reader.report("\(path).format", "must be text, json or jsonl, got \"\(format)\"", entries["format"])
            }
        }
        func jsonPath(_ key: String) -> String? {
            guard let value = reader.string(entries[key], "\(path).\(key)") else { return nil }
            if let problem = JSONPath.problem(value) { reader.report("\(path).\(key)", problem, entries[key]) }
            return value
        }
        output.resultPath = jsonPath("result_path")
        output.errorPath = jsonPath("error_path")
        output.completionEventType = reader.string(entries["completion_event_type"], "\(path).completion_event_type")
        output.completionEventFilter = reader.stringMap(entries["completion_event_filter"], "\(path).completion_event_filter")
        output.inputTokensPath = jsonPath("input_tokens_path")
        output.outputTokensPath = jsonPath("output_tokens_path")
        output.aggregateTokens = reader.bool(entries["aggregate_tokens"], "\(path).aggregate_tokens") ?? false
        return output
    }

    static func parseErrors(_ node: Node, reader: inout ProfileReader) -> CLIErrorSpec {
        var errors = CLIErrorSpec()
        guard let entries = reader.mapping(node, "cli.errors", known: errorKeys) else { return errors }
        let path = "cli.errors"
        if let codesNode = entries["success_exit_codes"], !ProfileReader.isNull(codesNode) {
            if case .sequence(let items) = codesNode, items.count <= 256 {
                errors.successExitCodes = items.enumerated().compactMap { index, item in
                    reader.int(item, "\(path).success_exit_codes[\(index)]", in: 0...255, required: true).map(Int32.init)
                }
            } else {
                reader.report("\(path).success_exit_codes", "must be a list of exit codes (0-255)", codesNode)
            }
        }
        errors.rateLimitPatterns = reader.patterns(entries["rate_limit_patterns"], "\(path).rate_limit_patterns") ?? []
        errors.authErrorPatterns = reader.patterns(entries["auth_error_patterns"], "\(path).auth_error_patterns") ?? []
        errors.capacityPatterns = reader.patterns(entries["capacity_patterns"], "\(path).capacity_patterns") ?? []
        errors.timeoutPatterns = reader.patterns(entries["timeout_patterns"], "\(path).timeout_patterns") ?? []
        errors.crashPatterns = reader.patterns(entries["crash_patterns"], "\(path).crash_patterns") ?? []
        errors.stalePatterns = reader.patterns(entries["stale_patterns"], "\(path).stale_patterns") ?? []
        errors.rateLimitEventType = reader.string(entries["rate_limit_event_type"], "\(path).rate_limit_event_type")
        errors.rateLimitEventFilter = reader.stringMap(entries["rate_limit_event_filter"], "\(path).rate_limit_event_filter")
        return errors
    }
}
