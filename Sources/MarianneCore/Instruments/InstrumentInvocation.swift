import Foundation

/// How one attempt calls its instrument: the program, its arguments, what goes to its
/// standard input, its environment and folder. Built from the profile and the sheet's
/// settings by `make`; the conductor runs it, the plan shows it.
public struct InstrumentInvocation: Sendable, Equatable, Codable {
    public var executable: String
    public var arguments: [String]
    /// The prompt, when it goes through standard input.
    public var stdin: String?
    public var environment: [String: String]
    public var workingDirectory: String
    /// How the output is read (the profile's, or the score's `output_format`).
    public var output: CLIOutputSpec
    public var timeoutSeconds: Double

    /// Prompts longer than this go through standard input even when the profile passes them
    /// as an argument (Marianne's limit: tools fail on very long arguments).
    public static let maxArgumentPromptBytes = 32 * 1024

    /// What is needed besides the profile and settings.
    public struct Context: Sendable {
        public var prompt: String
        public var timeoutSeconds: Double
        /// The workspace; a relative `working_directory` is taken from it.
        public var workspace: String
        public var parentEnvironment: [String: String]
        /// `MZT_JOB_ID`, `MZT_SHEET_NUM`, ... (always passed).
        public var conductorVariables: [String: String]
        /// The text of `system_prompt_file`, read by the caller.
        public var systemPromptFileText: String?
        /// Variables of the score's legacy `backend.env` (below `instrument_config.env`).
        public var backendEnvironment: [String: String]

        public init(
            prompt: String, timeoutSeconds: Double, workspace: String, parentEnvironment: [String: String] = [:],
            conductorVariables: [String: String] = [:], systemPromptFileText: String? = nil, backendEnvironment: [String: String] = [:]
        ) {
            self.prompt = prompt
            self.timeoutSeconds = timeoutSeconds
            self.workspace = workspace
            self.parentEnvironment = parentEnvironment
            self.conductorVariables = conductorVariables
            self.systemPromptFileText = systemPromptFileText
            self.backendEnvironment = backendEnvironment
        }
    }

    /// The invocation, in Marianne's argument order: subcommand, auto-approve, output format,
    /// model, timeout, working directory, the prompt (or its stdin sentinel), then this
    /// project's additions (system prompt, allowed tools), MCP, the profile's extra flags,
    /// and the score's extra arguments last. Nil when the profile is not a CLI profile.
    public static func make(_ profile: InstrumentProfile, settings: InstrumentSettings, context: Context) -> InstrumentInvocation? {
        guard let cli = profile.cli else { return nil }
        let command = cli.command
        var arguments: [String] = []
        if let subcommand = command.subcommand { arguments.append(subcommand) }
        if settings.autoApprove, let flag = command.autoApproveFlag { arguments.append(flag) }
        if let flag = command.outputFormatFlag {
            arguments.append(flag)
            if let value = settings.outputFormat ?? command.outputFormatValue { arguments.append(value) }
        }
        if let flag = command.modelFlag, let model = settings.effectiveModel(profile) { arguments += [flag, model] }
        if let flag = command.timeoutFlag { arguments += [flag, String(Int(min(context.timeoutSeconds, ScoreLimits.maxSeconds)))] }
        let directory = workingDirectory(settings.workingDirectory, workspace: context.workspace)
        if let flag = command.workingDirFlag { arguments += [flag, directory] }
        let viaStdin = command.promptViaStdin || context.prompt.utf8.count > maxArgumentPromptBytes
        if viaStdin {
            if let flag = command.promptFlag, let sentinel = command.stdinSentinel { arguments += [flag, sentinel] }
        } else if let flag = command.promptFlag {
            arguments += [flag, context.prompt]
        } else {
            arguments.append(context.prompt)
        }
        if let flag = command.systemPromptFlag, let text = settings.systemPrompt ?? context.systemPromptFileText {
            arguments += [flag, text]
        }
        if let flag = command.allowedToolsFlag, let tools = settings.allowedTools, !tools.isEmpty {
            arguments += [flag, tools.joined(separator: ",")]
        }
        if let config = settings.mcpConfig, let flag = command.mcpConfigFlag {
            arguments += [flag, config]
        } else if settings.disableMCP {
            arguments += command.mcpDisableArgs
        }
        arguments += command.extraFlags
        arguments += settings.extraArgs
        let environment = InstrumentEnvironment.make(
            command, parent: context.parentEnvironment, scoreVariables: context.backendEnvironment.merging(settings.env) { $1 },
            conductorVariables: context.conductorVariables
        )
        return InstrumentInvocation(
            executable: settings.executable ?? command.executable, arguments: arguments, stdin: viaStdin ? context.prompt : nil,
            environment: environment, workingDirectory: directory, output: output(cli.output, format: settings.outputFormat),
            timeoutSeconds: context.timeoutSeconds
        )
    }

    /// The output reading for a requested format: `text` reads stdout as it is; `json` the
    /// profile's paths; `stream-json` (JSON lines) the last `result` event, as Claude Code prints it.
    public static func output(_ spec: CLIOutputSpec, format: String?) -> CLIOutputSpec {
        switch format {
        case nil: return spec
        case "text"?: return CLIOutputSpec(format: .text)
        case "json"?:
            var json = spec
            json.format = .json
            return json
        default:
            var lines = spec
            if lines.format != .jsonl {
                lines.format = .jsonl
                lines.completionEventType = "result"
                lines.completionEventFilter = nil
            }
            return lines
        }
    }

    static func workingDirectory(_ directory: String?, workspace: String) -> String {
        guard let directory, !directory.isEmpty else { return workspace }
        return directory.hasPrefix("/") ? directory : (workspace as NSString).appendingPathComponent(directory)
    }

    /// The command line as a person would type it (the prompt shortened), for logs and the plan.
    public var commandLine: String {
        let shown = arguments.map { argument -> String in
            let short = argument.count > 60 ? String(argument.prefix(57)) + "..." : argument
            return ShellQuote.quote(short)
        }
        return ([executable] + shown).joined(separator: " ") + (stdin == nil ? "" : " < prompt")
    }

    enum CodingKeys: String, CodingKey {
        case executable, arguments, stdin, output
        case environment = "environment_names"
        case workingDirectory = "working_directory"
        case timeoutSeconds = "timeout_seconds"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(executable, forKey: .executable)
        try container.encode(arguments, forKey: .arguments)
        try container.encodeIfPresent(stdin, forKey: .stdin)
        // Values stay out of plans and logs: they may be credentials.
        try container.encode(environment.keys.sorted(), forKey: .environment)
        try container.encode(workingDirectory, forKey: .workingDirectory)
        try container.encode(output, forKey: .output)
        try container.encode(timeoutSeconds, forKey: .timeoutSeconds)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        executable = try container.decode(String.self, forKey: .executable)
        arguments = try container.decode([String].self, forKey: .arguments)
        stdin = try container.decodeIfPresent(String.self, forKey: .stdin)
        let names = try container.decode([String].self, forKey: .environment)
        environment = Dictionary(uniqueKeysWithValues: names.map { ($0, "") })
        workingDirectory = try container.decode(String.self, forKey: .workingDirectory)
        output = try container.decode(CLIOutputSpec.self, forKey: .output)
        timeoutSeconds = try container.decode(Double.self, forKey: .timeoutSeconds)
    }

    public init(
        executable: String, arguments: [String], stdin: String?, environment: [String: String], workingDirectory: String,
        output: CLIOutputSpec, timeoutSeconds: Double
    ) {
        self.executable = executable
        self.arguments = arguments
        self.stdin = stdin
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.output = output
        self.timeoutSeconds = timeoutSeconds
    }
}
