/// The keys of Marianne's score reference that this project accepts but does not act on,
/// by section, each with its shape (checked as Marianne checks it) and what is ignored.
/// The one list behind warning W001; Docs/SCORES.md lists the same keys.
enum MarianneReference {
    static let ignored: [String: [String: IgnoredKey]] = [
        "": root,
        "backend": backend,
        "backend.sheet_overrides": sheetOverride,
        "sheet": sheet,
        "retry": retry,
        "parallel": parallel,
    ]

    static let root: [String: IgnoredKey] = [
        "spec": IgnoredKey(.fields([
            "spec_dir": .string, "include_claude_md": .bool,
            "fragments": .list(.fields([
                "name": .string, "content": .string, "tags": .strings, "kind": .choice(["text", "structured"]),
                "data": .optional(.dictionary(.any)),
            ], required: ["name", "content"])),
        ]), "no specification corpus is injected into prompts"),
        "learning": IgnoredKey(.fields(learningFields), "there is no learning store"),
        "grounding": IgnoredKey(.fields([
            "enabled": .bool, "fail_on_grounding_failure": .bool, "escalate_on_failure": .bool,
            "timeout_seconds": .positiveSeconds,
            "hooks": .list(.fields([
                "type": .choice(["file_checksum"]), "name": .optional(.string), "expected_checksums": .dictionary(.string),
                "checksum_algorithm": .choice(["md5", "sha256"]),
            ], required: ["type"])),
        ]), "no grounding hooks run"),
        "ai_review": IgnoredKey(.fields([
            "enabled": .bool, "min_score": .int(0...100), "target_score": .int(0...100),
            "on_low_score": .choice(["retry", "warn", "fail"]), "max_retry_for_review": .int(0...5),
            "review_prompt_template": .optional(.string),
        ]), "sheets are not reviewed by a second agent"),
        "logging": IgnoredKey(.fields([
            "level": .choice(["DEBUG", "INFO", "WARNING", "ERROR"]), "format": .choice(["json", "console", "both"]),
            "file_path": .optional(.string), "max_file_size_mb": .int(1...1000), "backup_count": .int(0...100),
            "include_timestamps": .bool, "include_context": .bool,
        ]), "the job log is the conductor's (mzt logs)"),
        "conductor": IgnoredKey(.fields([
            "name": .string, "role": .choice(["human", "ai", "hybrid"]), "identity_context": .optional(.string),
            "preferences": .fields([
                "prefer_minimal_output": .bool, "escalation_response_timeout_seconds": .positiveSeconds,
                "auto_retry_on_transient_errors": .bool, "notification_channels": .strings,
            ]),
        ]), "the conductor's identity is not recorded"),
        "checkpoints": IgnoredKey(.fields([
            "enabled": .bool,
            "triggers": .list(.fields([
                "name": .string, "sheet_nums": .optional(.list(.int(1...ScoreLimits.maxSheets))),
                "prompt_contains": .optional(.strings), "min_retry_count": .optional(.count),
                "requires_confirmation": .bool, "message": .string,
            ], required: ["name"])),
        ]), "sheets do not stop for approval"),
        "bridge": IgnoredKey(.optional(.fields([
            "enabled": .bool, "mcp_proxy_enabled": .bool, "hybrid_routing_enabled": .bool,
            "complexity_threshold": .fraction, "fallback_to_claude": .bool, "context_budget_percent": .int(10...95),
            "mcp_servers": .list(.fields([
                "name": .string, "command": .string, "args": .strings, "env": .dictionary(.string),
                "working_dir": .optional(.string), "timeout_seconds": .positiveSeconds,
            ], required: ["name", "command"])),
        ])), "there is no Ollama bridge"),
        "feedback": IgnoredKey(.fields([
            "enabled": .bool, "pattern": .string, "format": .choice(["json", "yaml", "text"]),
        ]), "agent feedback is not extracted"),
        "techniques": IgnoredKey(.dictionary(.fields([
            "kind": .choice(["skill", "mcp", "protocol"]), "phases": .strings, "config": .dictionary(.any),
        ], required: ["kind", "phases"])), "techniques are not injected"),
        "agent_card": IgnoredKey(.optional(.fields([
            "name": .string, "description": .string,
            "skills": .list(.fields(["id": .string, "description": .string], required: ["id", "description"])),
        ], required: ["name", "description"])), "no agent card is registered"),
        "notifications": IgnoredKey(.list(.fields([
            "type": .choice(["desktop", "slack", "webhook", "email"]),
            "on_events": .list(.choice(["job_start", "sheet_start", "sheet_complete", "sheet_failed", "job_complete", "job_failed", "job_paused"])),
            "config": .dictionary(.any),
        ], required: ["type"])), "no notifications are sent (follow a job with mzt logs -f or mzt wait)"),
        "workspace_lifecycle": IgnoredKey(.fields([
            "archive_on_fresh": .bool, "archive_dir": .string, "archive_naming": .choice(["iteration", "timestamp"]),
            "max_archives": .int(0...ScoreLimits.maxCount), "preserve_patterns": .strings,
        ]), "workspaces are not archived"),
        "state_backend": IgnoredKey(.choice(["json", "sqlite"]), "job state is the conductor's JSON checkpoint"),
        "state_path": IgnoredKey(.optional(.string), "job state is the conductor's JSON checkpoint"),
        // Keys of older Marianne versions, accepted as before.
        "version": IgnoredKey(.any, "no score versioning"),
        "on_failure": IgnoredKey(.any, "nothing runs when a job fails"),
        "hooks": IgnoredKey(.any, "use on_success"),
        "tags": IgnoredKey(.any, "no tags are recorded"),
        "metadata": IgnoredKey(.any, "no metadata is recorded"),
        "validation_retry": IgnoredKey(.any, "use validations[].retry_count"),
        "self_healing": IgnoredKey(.any, "use mzt submit --self-healing"),
        "completion": IgnoredKey(.any, "use retry.max_completion_attempts"),
    ]

    static let learningFields: [String: ValueSpec] = [
        "enabled": .bool, "outcome_store_type": .choice(["json", "sqlite"]), "outcome_store_path": .optional(.string),
        "min_confidence_threshold": .fraction, "high_confidence_threshold": .fraction, "escalation_enabled": .bool,
        "use_global_patterns": .bool, "exploration_rate": .fraction, "exploration_min_priority": .fraction,
        "entropy_alert_threshold": .fraction, "entropy_check_interval": .int(1...ScoreLimits.maxItems),
        "auto_apply_enabled": .bool, "auto_apply_trust_threshold": .fraction,
        "exploration_budget": .fields([
            "enabled": .bool, "floor": .fraction, "ceiling": .fraction, "decay_rate": .fraction,
            "boost_amount": .number(0...0.5, above: false), "initial_budget": .fraction,
        ]),
        "entropy_response": .fields([
            "enabled": .bool, "entropy_threshold": .fraction, "cooldown_seconds": .int(60...Int(ScoreLimits.maxSeconds)),
            "boost_budget": .bool, "revisit_quarantine": .bool, "max_quarantine_revisits": .int(0...10),
        ]),
        "auto_apply": .optional(.fields([
            "enabled": .bool, "trust_threshold": .fraction, "max_patterns_per_sheet": .int(1...10),
            "require_validated_status": .bool, "log_applications": .bool,
        ])),
    ]

    static let backend: [String: IgnoredKey] = [
        "max_output_capture_bytes": IgnoredKey(.int(1...ScoreLimits.maxCharacters), "the full output is kept in the attempt's log files"),
        "model": IgnoredKey(.string, "there is no anthropic_api backend"),
        "api_key_env": IgnoredKey(.string, "there is no anthropic_api backend"),
        "max_tokens": IgnoredKey(.int(1...ScoreLimits.maxCharacters), "there is no anthropic_api backend"),
        "temperature": IgnoredKey(.fraction, "there is no anthropic_api backend"),
        "recursive_light": IgnoredKey(.fields(["endpoint": .string, "user_id": .optional(.string), "timeout": .positiveSeconds]),
                                      "there is no recursive_light backend"),
        "ollama": IgnoredKey(.fields([
            "base_url": .string, "model": .string, "num_ctx": .int(4096...ScoreLimits.maxCharacters), "dynamic_tools": .bool,
            "compression_level": .choice(["minimal", "moderate", "aggressive"]), "timeout_seconds": .positiveSeconds,
            "keep_alive": .string, "max_tool_iterations": .int(1...50), "health_check_timeout": .seconds,
        ]), "there is no ollama backend"),
        // Keys of older Marianne versions, accepted as before.
        "disallowed_tools": IgnoredKey(.any, "pass it in backend.cli_extra_args"),
        "max_turns": IgnoredKey(.any, "pass it in backend.cli_extra_args"),
        "system_prompt": IgnoredKey(.any, "pass it in backend.cli_extra_args"),
        "enabled": IgnoredKey(.any, "a backend is always enabled"),
        "prompt_extensions": IgnoredKey(.any, "use prompt.prompt_extensions"),
        "cadenza": IgnoredKey(.any, "use sheet.cadenzas"),
        "instruments": IgnoredKey(.any, "use the top-level instruments"),
    ]

    static let sheetOverride: [String: IgnoredKey] = [
        "cli_model": IgnoredKey(.optional(.string), "per-sheet models are not passed to the backend"),
        "model": IgnoredKey(.optional(.string), "there is no anthropic_api backend"),
        "temperature": IgnoredKey(.optional(.fraction), "there is no anthropic_api backend"),
        "max_tokens": IgnoredKey(.optional(.int(1...ScoreLimits.maxCharacters)), "there is no anthropic_api backend"),
    ]

    static let sheet: [String: IgnoredKey] = [
        "spec_tags": IgnoredKey(.sheetMap(.strings), "no specification corpus is injected into prompts"),
        "total_sheets": IgnoredKey(.any, "the number of sheets follows from size, total_items and fan_out"),
        "fan_out_stage_map": IgnoredKey(.any, "it is computed from fan_out"),
    ]

    static let retry: [String: IgnoredKey] = [:]

    static let parallel: [String: IgnoredKey] = [
        "budget_partition": IgnoredKey(.bool, "the job's cost limit is not split between parallel sheets"),
    ]
}
