import Foundation

/// The settings of one sheet's instrument, read from its merged configuration
/// (`instrument_config`, the movement's, the alias's, the sheet's; Marianne's `backend:` keys
/// below them). Unknown keys are kept in `other` (W001 at validation).
public struct InstrumentSettings: Sendable, Equatable {
    public var model: String?
    public var timeoutSeconds: Double?
    /// Let the tool act without asking (the profile's auto-approve flag). Marianne's default: on.
    public var autoApprove: Bool = true
    /// Turn MCP servers off when no `mcpConfig` is given. Marianne's default: on.
    public var disableMCP: Bool = true
    /// An MCP configuration (a path or JSON text) for the profile's MCP flag.
    public var mcpConfig: String?
    /// The output format to ask for instead of the profile's (`json`, `text`, `stream-json`).
    public var outputFormat: String?
    public var systemPrompt: String?
    /// Read at each attempt; its text goes where `systemPrompt` would.
    public var systemPromptFile: String?
    public var allowedTools: [String]?
    /// Appended after everything else (`cli_extra_args`, and this project's `cli_args`).
    public var extraArgs: [String] = []
    /// Replaces the profile's executable.
    public var executable: String?
    public var env: [String: String] = [:]
    /// Relative to the workspace.
    public var workingDirectory: String?
    public var other: [String: JSONValue] = [:]

    public init() {}

    /// Every key `init(config:)` reads; the others are kept in `other`.
    public static let keys: Set<String> = [
        "model", "cli_model", "timeout_seconds", "skip_permissions", "auto_approve", "disable_mcp", "mcp_config",
        "output_format", "system_prompt", "system_prompt_file", "allowed_tools", "cli_extra_args", "extra_args", "cli_args",
        "executable", "env", "working_directory",
    ]

    /// Reads `config`; values of the wrong shape are left out and named in `problems`
    /// (validation reports them; here they never stop a sheet).
    public init(config: [String: JSONValue]) {
        var problems: [String] = []
        self.init(config: config, problems: &problems)
    }

    public init(config: [String: JSONValue], problems: inout [String]) {
        func string(_ key: String) -> String? {
            guard let value = config[key], value != .null else { return nil }
            guard case .string(let text) = value else {
                problems.append("\(key) must be a string")
                return nil
            }
            return text
        }
        func bool(_ key: String) -> Bool? {
            guard let value = config[key], value != .null else { return nil }
            guard case .bool(let flag) = value else {
                problems.append("\(key) must be true or false")
                return nil
            }
            return flag
        }
        func strings(_ key: String) -> [String]? {
            guard let value = config[key], value != .null else { return nil }
            guard case .array(let items) = value, let texts = Optional(items.compactMap(\.stringValue)), texts.count == items.count else {
                problems.append("\(key) must be a list of strings")
                return nil
            }
            return texts
        }
        model = string("model") ?? string("cli_model")
        if let value = config["timeout_seconds"], value != .null {
            switch value {
            case .int(let seconds) where seconds > 0 && Double(seconds) <= ScoreLimits.maxSeconds: timeoutSeconds = Double(seconds)
            case .double(let seconds) where seconds.isFinite && seconds > 0 && seconds <= ScoreLimits.maxSeconds: timeoutSeconds = seconds
            default: problems.append("timeout_seconds must be a finite number of seconds above 0 and at most \(Int(ScoreLimits.maxSeconds)) (30 days)")
            }
        }
        autoApprove = bool("auto_approve") ?? bool("skip_permissions") ?? true
        disableMCP = bool("disable_mcp") ?? true
        mcpConfig = string("mcp_config")
        outputFormat = string("output_format")
        if let format = outputFormat, !["json", "text", "stream-json", "jsonl"].contains(format) {
            problems.append("output_format must be json, text or stream-json")
            outputFormat = nil
        }
        systemPrompt = string("system_prompt")
        systemPromptFile = string("system_prompt_file")
        allowedTools = strings("allowed_tools")
        extraArgs = (strings("cli_args") ?? []) + (strings("cli_extra_args") ?? []) + (strings("extra_args") ?? [])
        executable = string("executable")
        if executable?.isEmpty == true {
            problems.append("executable must not be empty")
            executable = nil
        }
        if let value = config["env"], value != .null {
            if case .object(let pairs) = value {
                for (name, item) in pairs {
                    guard let text = item.stringValue, InstrumentEnvironment.isValidName(name) else {
                        problems.append("env.\(name) must be a string, and its name a variable name")
                        continue
                    }
                    env[name] = text
                }
            } else {
                problems.append("env must be a mapping of variable names to strings")
            }
        }
        workingDirectory = string("working_directory")
        other = config.filter { !Self.keys.contains($0.key) }
    }

    /// The model a sheet runs on: the score's, else the profile's default (nil: the tool's own).
    public func effectiveModel(_ profile: InstrumentProfile) -> String? {
        model ?? profile.defaultModel
    }
}
