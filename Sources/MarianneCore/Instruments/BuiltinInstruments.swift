/// The instruments compiled into the conductor, in Marianne's profile format. Each is written
/// from its tool's documented command line: how it takes a prompt without a terminal, how
/// it approves its own actions, what it prints with machine-readable output, which
/// credentials it reads and how its failures read. User profiles of the same name replace them.
public enum BuiltinInstruments {
    /// The profiles, parsed once (a builtin that does not parse is a bug the tests catch).
    public static let all: [InstrumentProfile] = sources.compactMap { name, yaml in
        try? InstrumentProfileParser.parse(yaml, file: "builtin:\(name)")
    }

    /// The YAML of each builtin, by name.
    public static let sources: [(String, String)] = [
        ("claude-code", claudeCode), ("codex-cli", codexCLI), ("gemini-cli", geminiCLI), ("aider", aider), ("goose", goose),
        ("cline-cli", clineCLI), ("crush", crush), ("opencode", opencode), ("cli", cli),
    ]

    public static func named(_ name: String) -> InstrumentProfile? {
        all.first { $0.name == name }
    }

    /// The instrument a score plays when it names none (Marianne's default).
    public static let defaultName = "claude-code"

    /// Names that stand for a builtin: Marianne's native backend names and this project's
    /// backend types (`backend.type: command` is `cli`).
    public static let aliases: [String: String] = [
        "claude_cli": "claude-code", "claude": "claude-code", "command": "cli", "shell": "cli",
    ]

    static let cli = """
        # A shell command: the rendered template runs as `bash -c TEMPLATE`. No model and no
        # prompt assembly (raw_prompt): the template is the command. Exit 0 is success.
        name: cli
        display_name: "CLI (shell)"
        description: "Runs the rendered template as a bash command"
        kind: cli
        raw_prompt: true
        capabilities: [shell_access]
        default_timeout_seconds: 300
        cli:
          command:
            executable: bash
            prompt_flag: "-c"
            prompt_via_stdin: false
          output:
            format: text
          errors:
            success_exit_codes: [0]
            timeout_patterns: ["timed?.?out", "Killed", "Terminated"]
        """

    static let aider = """
        # Aider, the pair-programming CLI. `--message-file` reads the request from a file, so
        # the prompt goes through /dev/stdin; `--yes-always` confirms every action, and
        # without a terminal it prints plain text (no JSON mode). Keys come from the
        # provider it is pointed at (litellm names).
        name: aider
        display_name: "Aider"
        description: "AI pair programming in the terminal (code editing)"
        kind: cli
        capabilities: [file_editing, shell_access]
        default_timeout_seconds: 1800
        cli:
          command:
            executable: aider
            prompt_flag: "--message-file"
            prompt_via_stdin: true
            stdin_sentinel: "/dev/stdin"
            model_flag: "--model"
            auto_approve_flag: "--yes-always"
            extra_flags: ["--no-stream", "--no-pretty", "--no-check-update"]
            required_env:
              - OPENAI_API_KEY
              - ANTHROPIC_API_KEY
              - GEMINI_API_KEY
              - DEEPSEEK_API_KEY
              - OPENROUTER_API_KEY
              - AIDER_MODEL
          output:
            format: text
          errors:
            rate_limit_patterns: ["rate.?limit", "(?:error|status|code)[^\\\\w]*429", "too many requests"]
            auth_error_patterns: ["authenticat", "api.*key", "unauthorized"]
            capacity_patterns: ["overloaded", "(?:error|status|code)[^\\\\w]*50[23]", "service unavailable"]
            timeout_patterns: ["timed?.?out"]
        """

    static let goose = """
        # Goose, Block's agent. `goose run -i -` reads the instructions from stdin and exits
        # when done; `--output-format json` prints one JSON object with the reply in
        # `response`; `--no-session` keeps no session file.
        name: goose
        display_name: "Goose"
        description: "Block's Goose agent with extensions"
        kind: cli
        capabilities: [tool_use, file_editing, shell_access, mcp, structured_output, session_resume, streaming]
        default_timeout_seconds: 1800
        cli:
          command:
            executable: goose
            subcommand: run
            prompt_flag: "-i"
            prompt_via_stdin: true
            stdin_sentinel: "-"
            model_flag: "--model"
            system_prompt_flag: "--system"
            output_format_flag: "--output-format"
            output_format_value: json
            extra_flags: ["--no-session", "--quiet"]
            required_env:
              - GOOSE_PROVIDER
              - GOOSE_MODEL
              - OPENAI_API_KEY
              - ANTHROPIC_API_KEY
              - GOOGLE_API_KEY
              - OPENROUTER_API_KEY
          output:
            format: json
            result_path: response
          errors:
            rate_limit_patterns: ["rate.?limit", "(?:error|status|code)[^\\\\w]*429"]
            auth_error_patterns: ["authenticat", "unauthorized"]
            capacity_patterns: ["overloaded", "(?:error|status|code)[^\\\\w]*503"]
        """

    static let clineCLI = """
        # Cline's command line. The task is the positional argument, or stdin when there is
        # none; `--yolo` approves every action; `--json` prints one JSON event per line and
        # the answer is the `say` event of kind `completion_result`.
        name: cline-cli
        display_name: "Cline"
        description: "Cline's autonomous coding agent"
        kind: cli
        capabilities: [tool_use, file_editing, shell_access, mcp, structured_output, thinking, session_resume]
        default_timeout_seconds: 1800
        cli:
          command:
            executable: cline
            model_flag: "-m"
            auto_approve_flag: "--yolo"
            output_format_flag: "--json"
            timeout_flag: "--timeout"
            prompt_via_stdin: true
            required_env:
              - ANTHROPIC_API_KEY
              - OPENAI_API_KEY
              - OPENROUTER_API_KEY
              - GEMINI_API_KEY
          output:
            format: jsonl
            completion_event_type: say
            completion_event_filter: {say: completion_result}
            result_path: text
          errors:
            success_exit_codes: [0]
            rate_limit_patterns: ["rate.?limit", "api_req_failed.*429"]
            auth_error_patterns: ["authentication", "invalid.?api"]
            capacity_patterns: ["overloaded"]
        """
}
