extension BuiltinInstruments {
    static let claudeCode = """
        # Claude Code. `-p` runs one request without a terminal and exits; with `-` it reads
        # the request from stdin (no argument-length limit). `--output-format json` prints one
        # object: the answer in `result`, token counts in `usage`. Rate-limit messages come
        # on stdout, as plain text, sometimes with exit 0. MCP servers are off unless the
        # score gives a configuration (each would be a child process of every sheet).
        name: claude-code
        display_name: "Claude Code"
        description: "Anthropic's Claude Code CLI, a full coding agent"
        kind: cli
        capabilities: [tool_use, file_editing, shell_access, vision, mcp, structured_output, streaming, thinking]
        default_timeout_seconds: 1800
        models:
          - {name: claude-sonnet-4-20250514, context_window: 200000, cost_per_1k_input: 0.003, cost_per_1k_output: 0.015, max_output_tokens: 64000, max_concurrent: 6}
          - {name: claude-sonnet-4-5-20250929, context_window: 200000, cost_per_1k_input: 0.003, cost_per_1k_output: 0.015, max_output_tokens: 64000, max_concurrent: 6}
          - {name: claude-sonnet-4-6, context_window: 200000, cost_per_1k_input: 0.003, cost_per_1k_output: 0.015, max_output_tokens: 64000, max_concurrent: 6}
          - {name: "claude-sonnet-4-6[1m]", context_window: 1000000, cost_per_1k_input: 0.003, cost_per_1k_output: 0.015, max_output_tokens: 64000, max_concurrent: 6}
          - {name: sonnet, context_window: 200000, cost_per_1k_input: 0.003, cost_per_1k_output: 0.015, max_output_tokens: 64000, max_concurrent: 6}
          - {name: claude-opus-4-20250514, context_window: 200000, cost_per_1k_input: 0.015, cost_per_1k_output: 0.075, max_output_tokens: 32000, max_concurrent: 4}
          - {name: claude-opus-4-6, context_window: 200000, cost_per_1k_input: 0.015, cost_per_1k_output: 0.075, max_output_tokens: 32000, max_concurrent: 4}
          - {name: "claude-opus-4-6[1m]", context_window: 1000000, cost_per_1k_input: 0.015, cost_per_1k_output: 0.075, max_output_tokens: 32000, max_concurrent: 4}
          - {name: opus, context_window: 200000, cost_per_1k_input: 0.015, cost_per_1k_output: 0.075, max_output_tokens: 32000, max_concurrent: 4}
          - {name: claude-haiku-4-5-20251001, context_window: 200000, cost_per_1k_input: 0.0008, cost_per_1k_output: 0.004, max_output_tokens: 64000, max_concurrent: 8}
          - {name: haiku, context_window: 200000, cost_per_1k_input: 0.0008, cost_per_1k_output: 0.004, max_output_tokens: 64000, max_concurrent: 8}
        cli:
          command:
            executable: claude
            prompt_flag: "-p"
            prompt_via_stdin: true
            stdin_sentinel: "-"
            start_new_session: true
            model_flag: "--model"
            auto_approve_flag: "--dangerously-skip-permissions"
            output_format_flag: "--output-format"
            output_format_value: json
            system_prompt_flag: "--system-prompt"
            allowed_tools_flag: "--allowedTools"
            mcp_config_flag: "--mcp-config"
            mcp_disable_args: ["--strict-mcp-config", "--mcp-config", '{"mcpServers":{}}']
            required_env:
              - ANTHROPIC_API_KEY
              - ANTHROPIC_AUTH_TOKEN
              - ANTHROPIC_BASE_URL
              - CLAUDE_CODE_OAUTH_TOKEN
              - CLAUDE_CONFIG_DIR
              - CLAUDE_CODE_USE_BEDROCK
              - CLAUDE_CODE_USE_VERTEX
              - AWS_ACCESS_KEY_ID
              - AWS_SECRET_ACCESS_KEY
              - AWS_SESSION_TOKEN
              - AWS_PROFILE
              - AWS_REGION
              - AWS_DEFAULT_REGION
              - GOOGLE_APPLICATION_CREDENTIALS
              - GOOGLE_CLOUD_PROJECT
              - CLOUD_ML_REGION
          output:
            format: json
            result_path: result
            error_path: error.message
            input_tokens_path: usage.input_tokens
            output_tokens_path: usage.output_tokens
          errors:
            success_exit_codes: [0]
            rate_limit_patterns:
              - "rate.?limit"
              - "(?:error|status|code)[^\\\\w]*429"
              - "You've hit your limit"
              - "usage limit reached"
              - "resets.*\\\\(\\\\w+/\\\\w+\\\\)"
            auth_error_patterns:
              - "not authenticated"
              - "not logged in"
              - "login required"
              - "unauthorized"
              - "invalid.*api.*key"
              - "authentication_error"
            capacity_patterns:
              - "overloaded"
              - "(?:error|status|code)[^\\\\w]*529"
              - "(?:error|status|code)[^\\\\w]*503"
            timeout_patterns: ["timed?.?out"]
        """

    static let codexCLI = """
        # OpenAI's Codex CLI. `codex exec` runs one task without a terminal and reads it from
        # stdin when no prompt argument is given; `--full-auto` lets it edit and run commands
        # in the workspace; `--json` prints one JSON event per line: the answer is the
        # `agent_message` item of an `item.completed` event, tokens in the `usage` of
        # `turn.completed`.
        name: codex-cli
        display_name: "Codex CLI"
        description: "OpenAI's Codex coding agent"
        kind: cli
        capabilities: [tool_use, file_editing, shell_access, mcp, structured_output, session_resume, streaming]
        default_timeout_seconds: 1800
        models:
          - {name: o3, context_window: 200000, cost_per_1k_input: 0.01, cost_per_1k_output: 0.04, max_output_tokens: 100000}
          - {name: o4-mini, context_window: 200000, cost_per_1k_input: 0.0011, cost_per_1k_output: 0.0044, max_output_tokens: 100000}
        cli:
          command:
            executable: codex
            subcommand: exec
            prompt_via_stdin: true
            model_flag: "--model"
            auto_approve_flag: "--full-auto"
            output_format_flag: "--json"
            extra_flags: ["--skip-git-repo-check"]
            required_env: [OPENAI_API_KEY, CODEX_API_KEY, OPENAI_BASE_URL, CODEX_HOME]
          output:
            format: jsonl
            completion_event_type: item.completed
            completion_event_filter: {item.type: agent_message}
            result_path: item.text
            input_tokens_path: usage.input_tokens
            output_tokens_path: usage.output_tokens
          errors:
            rate_limit_patterns: ["rate.?limit", "(?:error|status|code)[^\\\\w]*429"]
            auth_error_patterns: ["authenticat", "invalid.*api.*key", "401 Unauthorized"]
            capacity_patterns: ["overloaded", "(?:error|status|code)[^\\\\w]*50[23]"]
        """

    static let geminiCLI = """
        # Google's Gemini CLI. Without a terminal it reads the request from stdin; `--yolo`
        # approves every tool call; `-o json` prints one object: the answer in `response`,
        # errors in `error`, and tokens per model under `stats.models` (it routes between
        # models, so counts are summed). Its own sandbox is off: the conductor keeps the
        # workspace and the credentials apart.
        name: gemini-cli
        display_name: "Gemini CLI"
        description: "Google's Gemini CLI with tools and vision"
        kind: cli
        capabilities: [tool_use, file_editing, shell_access, vision, structured_output]
        default_model: gemini-2.5-pro
        default_timeout_seconds: 1800
        models:
          - {name: gemini-3.1-pro-preview, context_window: 1000000, cost_per_1k_input: 0.00125, cost_per_1k_output: 0.005, max_output_tokens: 65536, max_concurrent: 4}
          - {name: gemini-3-flash-preview, context_window: 1000000, cost_per_1k_input: 0.00015, cost_per_1k_output: 0.0006, max_output_tokens: 65536, max_concurrent: 8}
          - {name: gemini-2.5-pro, context_window: 1000000, cost_per_1k_input: 0.00125, cost_per_1k_output: 0.005, max_output_tokens: 65536, max_concurrent: 4}
          - {name: gemini-2.5-flash, context_window: 1000000, cost_per_1k_input: 0.00015, cost_per_1k_output: 0.0006, max_output_tokens: 65536, max_concurrent: 8}
          - {name: gemini-2.5-flash-lite, context_window: 1000000, cost_per_1k_input: 0.0, cost_per_1k_output: 0.0, max_output_tokens: 65536, max_concurrent: 8}
        cli:
          command:
            executable: gemini
            prompt_via_stdin: true
            model_flag: "-m"
            auto_approve_flag: "--yolo"
            output_format_flag: "-o"
            output_format_value: json
            extra_flags: ["--sandbox", "false"]
            required_env: [GEMINI_API_KEY, GOOGLE_API_KEY, GOOGLE_APPLICATION_CREDENTIALS, GOOGLE_CLOUD_PROJECT, GOOGLE_GENAI_USE_VERTEXAI, CLOUDSDK_CONFIG]
          output:
            format: json
            result_path: response
            error_path: error.message
            input_tokens_path: "stats.models.*.tokens.prompt"
            output_tokens_path: "stats.models.*.tokens.candidates"
            aggregate_tokens: true
          errors:
            success_exit_codes: [0]
            rate_limit_patterns: ["rate.?limit", "quota.?exceeded", "(?:error|status|code)[^\\\\w]*429", "RESOURCE_EXHAUSTED", "Too Many Requests"]
            auth_error_patterns: ["authenticat", "unauthorized", "API key not valid", "PERMISSION_DENIED"]
            capacity_patterns: ["(?:error|status|code)[^\\\\w]*503", "overloaded", "UNAVAILABLE"]
            timeout_patterns: ["deadline.?exceeded", "DEADLINE_EXCEEDED", "timed?.?out"]
        """

    static let crush = """
        # Charm's Crush. `crush run` answers one request and exits, reading it from stdin when
        # no argument is given; `--yolo` accepts every permission, `--cwd` sets the project
        # folder, `--quiet` hides the spinner: stdout is the plain-text answer.
        name: crush
        display_name: "Crush"
        description: "Charm's terminal AI coding agent"
        kind: cli
        capabilities: [tool_use, file_editing, shell_access, session_resume]
        default_timeout_seconds: 1800
        cli:
          command:
            executable: crush
            subcommand: run
            prompt_via_stdin: true
            model_flag: "--model"
            auto_approve_flag: "--yolo"
            working_dir_flag: "--cwd"
            extra_flags: ["--quiet"]
            required_env: [OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, OPENROUTER_API_KEY, GROQ_API_KEY]
          output:
            format: text
          errors:
            success_exit_codes: [0]
            rate_limit_patterns: ["rate.?limit", "(?:error|status|code)[^\\\\w]*429", "too many requests"]
            auth_error_patterns: ["unauthorized", "invalid.*api.*key", "authentication.*failed"]
            capacity_patterns: ["overloaded", "(?:error|status|code)[^\\\\w]*503", "capacity"]
            timeout_patterns: ["timed?.?out"]
        """

    static let opencode = """
        # OpenCode. `opencode run` answers one request (read from stdin when no message is
        # given) and exits; `--format json` prints one JSON event per line: the answer in
        # the `part.text` of `text` events, tokens in the `part.tokens` of `step_finish`.
        name: opencode
        display_name: "OpenCode"
        description: "Headless AI coding agent for many providers"
        kind: cli
        capabilities: [tool_use, file_editing, shell_access, mcp, structured_output]
        default_timeout_seconds: 1800
        cli:
          command:
            executable: opencode
            subcommand: run
            prompt_via_stdin: true
            model_flag: "--model"
            auto_approve_flag: "--dangerously-skip-permissions"
            output_format_flag: "--format"
            output_format_value: json
            required_env: [OPENROUTER_API_KEY, OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY]
          output:
            format: jsonl
            completion_event_type: text
            result_path: part.text
            error_path: error.message
            input_tokens_path: part.tokens.input
            output_tokens_path: part.tokens.output
            aggregate_tokens: true
          errors:
            success_exit_codes: [0]
            rate_limit_patterns: ["rate.?limit", "(?:error|status|code)[^\\\\w]*429", "too many requests"]
            auth_error_patterns: ["unauthorized", "invalid.*api.*key", "authentication.*failed"]
            capacity_patterns: ["overloaded", "(?:error|status|code)[^\\\\w]*503", "capacity"]
            timeout_patterns: ["timed?.?out"]
        """
}
