import Foundation
import MarianneCore
import Testing

/// Every key of Marianne's score reference loads: implemented keys into the model, the
/// others with W001 naming them; a key neither knows stays an error.
struct MarianneReferenceTests {
    @Test func aScoreWithEveryKeyOfTheReferenceLoads() throws {
        let found = Scores.problems(Self.everyKey, base: "/tmp/scores")
        #expect(found.filter { $0.severity == .error } == [])
        let ignored = Set(found.filter { $0.code == "W001" }.map { $0.message.components(separatedBy: " ").first ?? "" })
        for key in ["learning", "spec", "notifications", "parallel.budget_partition", "workspace_lifecycle", "sheet.spec_tags",
                    "state_backend", "backend.model"] {
            #expect(ignored.contains(key), "no W001 for \(key)")
        }
        let loaded = try Scores.load(Self.everyKey, base: "/tmp/scores")
        let score = loaded.score
        #expect(loaded.workspace == "/tmp/everything-ws")
        #expect(loaded.sheets.count == 4)
        #expect(score.backend.timeoutSeconds == 900)
        let first = InstrumentResolver.resolve(score, sheet: loaded.sheets[0])
        #expect(InstrumentResolver.settings(score, instrument: first).timeoutSeconds == 600, "instrument_config wins over backend")
        #expect(score.backend.timeoutOverrides == [2: 60, 3: 120])
        #expect(score.movements[1]?.name == "Plan")
        #expect(score.movements[2]?.voices == 2)
        #expect(score.sheet.fanOut == [2: 2])
        #expect(score.instruments["writer"] == InstrumentDefinition(profile: "claude-code", config: ["model": .string("sonnet")]))
        #expect(score.sheet.descriptions == [1: "first"])
        #expect(score.sheet.prelude == [InjectionItem(.file("context.md"), as: .context)])
        #expect(score.sheet.cadenzas[2] == [InjectionItem(.directory("inputs"), as: .skill)])
        #expect(score.sheet.skipWhenCommand[4]?.command == "test -f {workspace}/skip")
        #expect(score.sheet.skipWhen[4] == "sheets.get(2) and sheets[2].validation_passed")
        #expect(score.prompt.stakes == "High stakes.")
        #expect(score.prompt.thinkingMethod == "Think step by step.")
        #expect(score.prompt.promptExtensions == ["Keep going."])
        #expect(score.crossSheet == CrossSheetConfig(autoCaptureStdout: true, maxOutputCharacters: 2000, captureFiles: ["{{ workspace }}/*.md"], lookbackSheets: 3))
        #expect(score.parallel == ParallelConfig(maxConcurrent: 3, failFast: true, staggerDelayMilliseconds: 100))
        #expect(score.validations[1].condition == "sheet_num == 2")
        #expect(score.validations[1].workingDirectory == "{workspace}")
        #expect(score.validations[0].retryCount == 3 && score.validations[0].retryDelayMilliseconds == 200)
        #expect(score.postSuccessHooks.first?.kind == .runJob && score.postSuccessHooks.first?.detached == true)
        #expect(score.postSuccessHooks.first?.fresh == true)
        #expect(score.onSuccess.isEmpty, "the typed form is not run by today's conductor")
        #expect(score.concert == ConcertConfig(enabled: true, maxChainDepth: 5, cooldownBetweenJobsSeconds: 5))
        #expect(score.pauseBetweenSheetsSeconds == 2)
        for key in ["backend.skip_permissions", "retry.max_completion_attempts", "stale_detection", "rate_limit", "cost_limits", "isolation", "circuit_breaker"] {
            #expect(!ignored.contains(key), "\(key) is applied now")
        }
        #expect(score.backend.instrumentSettings["cli_model"] == .string("sonnet"))
        #expect(score.limits.completion == CompletionConfig(maxAttempts: 5, delaySeconds: 5, thresholdPercent: 50))
        #expect(score.limits.rateLimit.waitMinutes == 60 && score.limits.rateLimit.declared)
        #expect(score.limits.costLimits.maxCostPerJob == 100 && score.limits.costLimits.enabled)
        #expect(score.limits.staleDetection == StaleDetectionConfig(enabled: true, idleTimeoutSeconds: 300, checkIntervalSeconds: 30))
        #expect(score.limits.circuitBreaker.failureThreshold == 5 && score.limits.circuitBreaker.declared)
        #expect(!score.limits.isolation.enabled)
    }

    @Test func unknownKeysInsideIgnoredSectionsAreErrorsWithASuggestion() {
        let found = Scores.errors(Scores.with("learning: {enabled: true, exploraton_rate: 0.2}\nstale_detection: {idle_timeout: 5}\n"))
        #expect(found.map(\.code) == ["V002", "V002"])
        #expect(found.first?.message.contains("learning.exploraton_rate") == true)
        #expect(found.first?.hint == "did you mean `exploration_rate`?")
        #expect(found.last?.hint == "did you mean `idle_timeout_seconds`?")
    }

    @Test func ignoredSectionsAreCheckedAsMarianneChecksThem() {
        let found = Scores.errors(Scores.with("circuit_breaker: {failure_threshold: 1000}\nlogging: {level: LOUD}\nnotifications: [{on_events: [job_complete]}]\n"))
        #expect(found.map(\.code) == ["V005", "V005", "V004"])
        #expect(found[0].message.contains("from 1 to 100"))
        #expect(found[1].hint == nil || found[1].message.contains("DEBUG"))
        #expect(found[2].message.contains("needs type"))
    }

    @Test func aKeyNeitherFormatKnowsIsAnErrorWithDidYouMean() {
        let found = Scores.errors(Scores.with("cross_shet: {lookback_sheets: 2}\nsheet: {total_itmes: 2}\n"))
        #expect(found.map(\.code) == ["V002", "V002"])
        #expect(found[0].hint == "did you mean `cross_sheet`?")
        #expect(found[1].hint == "did you mean `total_items`?")
    }

    @Test func marianneDefaultsForTimeoutsAndParallelism() throws {
        let score = try Scores.load(Scores.with("")).score
        #expect(score.backend.timeoutSeconds == 1800)
        #expect(score.validations.isEmpty)
        #expect(ValidationRule(type: .commandSucceeds, command: "true").timeoutSeconds == 3600)
        #expect(score.parallel == ParallelConfig(maxConcurrent: 1, failFast: true, staggerDelayMilliseconds: 0))
        #expect(try Scores.load(Scores.with("parallel: {enabled: true}\n")).score.parallel.maxConcurrent == 3)
        #expect(try Scores.load(Scores.with("parallel: {max_concurrent: 4}\n")).score.parallel.maxConcurrent == 4)
        #expect(try Scores.load(Scores.with("parallel: {enabled: false, max_concurrent: 4}\n")).score.parallel.maxConcurrent == 1)
    }

    @Test func userVariablesThatHideBuiltinsAreAWarning() throws {
        let yaml = "name: t\ninstrument: cli\nprompt:\n  template: \"{{ movement }}\"\n  variables: {movement: mine}\n"
        let found = Scores.problems(yaml)
        #expect(found.map(\.code) == ["W003"])
        let loaded = try Scores.load(yaml)
        #expect(try ScoreRenderer.renderPrompt(loaded, sheet: loaded.sheets[0], jobID: "t") == "mine")
    }

    static let everyKey = """
        name: everything
        description: every key of the reference
        workspace: ../everything-ws
        backend:
          type: claude_cli
          skip_permissions: true
          disable_mcp: true
          output_format: text
          cli_model: sonnet
          allowed_tools: [Read, Grep]
          system_prompt_file: null
          working_directory: null
          timeout_seconds: 900
          timeout_overrides: {2: 60}
          sheet_overrides: {3: {cli_model: opus, timeout_seconds: 120, model: m, temperature: 0.2, max_tokens: 10}}
          cli_extra_args: ["--verbose"]
          max_output_capture_bytes: 51200
          model: claude-sonnet
          api_key_env: ANTHROPIC_API_KEY
          max_tokens: 1000
          temperature: 0.5
          recursive_light: {endpoint: "http://localhost:8080", user_id: null, timeout: 30}
          ollama: {base_url: "http://localhost:11434", model: llama, num_ctx: 32768, dynamic_tools: true, compression_level: moderate, timeout_seconds: 300, keep_alive: 5m, max_tool_iterations: 10, health_check_timeout: 10}
        instrument_config: {timeout_seconds: 600, model: opus}
        instrument_fallbacks: [gemini-cli]
        instruments:
          writer: {profile: claude-code, config: {model: sonnet}}
          shell: {profile: cli}
        movements:
          1: {name: Plan, instrument: writer, instrument_config: {model: haiku}, instrument_fallbacks: [opencode]}
          2: {name: Build, voices: 2}
          3: {name: Check}
        sheet:
          size: 1
          total_items: 3
          start_item: 1
          descriptions: {1: first}
          dependencies: {2: [1], 3: [2]}
          spec_tags: {1: [goals]}
          skip_when: {3: "sheets.get(2) and sheets[2].validation_passed"}
          prompt_extensions: {1: ["Be brief."]}
          prelude: [{file: "context.md", as: context}]
          cadenzas: {2: [{directory: "inputs", as: skill}]}
          skip_when_command: {3: {command: "test -f {workspace}/skip", description: skip it, timeout_seconds: 10}}
          fan_out: {2: 2}
          per_sheet_instruments: {4: shell}
          per_sheet_instrument_config: {4: {timeout_seconds: 30}}
          per_sheet_fallbacks: {1: []}
          instrument_map: {writer: [2, 3]}
        prompt:
          template: "Sheet {{ sheet_num }} of {{ total_sheets }} {{ movement }}/{{ voice }} {{ stakes }}"
          variables: {project_root: /src}
          stakes: High stakes.
          thinking_method: Think step by step.
          prompt_extensions: ["Keep going."]
        spec:
          spec_dir: ""
          include_claude_md: false
          fragments: [{name: goals, content: "Do it", tags: [goals], kind: text, data: null}]
        retry: {max_retries: 3, base_delay_seconds: 10, max_delay_seconds: 3600, exponential_base: 2, jitter: true, max_completion_attempts: 5, completion_delay_seconds: 5, completion_threshold_percent: 50}
        rate_limit: {detection_patterns: ["rate.?limit"], wait_minutes: 60, max_waits: 24, max_quota_waits: 48}
        circuit_breaker: {enabled: true, failure_threshold: 5, recovery_timeout_seconds: 300, cross_workspace_coordination: true, honor_other_jobs_rate_limits: true}
        cost_limits: {enabled: true, max_cost_per_sheet: 5, max_cost_per_job: 100, cost_per_1k_input_tokens: 0.003, cost_per_1k_output_tokens: 0.015, warn_at_percent: 80}
        learning:
          enabled: true
          outcome_store_type: json
          outcome_store_path: null
          min_confidence_threshold: 0.3
          high_confidence_threshold: 0.7
          escalation_enabled: false
          use_global_patterns: true
          exploration_rate: 0.15
          exploration_min_priority: 0.05
          entropy_alert_threshold: 0.5
          entropy_check_interval: 100
          auto_apply_enabled: false
          auto_apply_trust_threshold: 0.85
          exploration_budget: {enabled: false, floor: 0.05, ceiling: 0.5, decay_rate: 0.95, boost_amount: 0.1, initial_budget: 0.15}
          entropy_response: {enabled: false, entropy_threshold: 0.3, cooldown_seconds: 3600, boost_budget: true, revisit_quarantine: true, max_quarantine_revisits: 3}
          auto_apply: {enabled: false, trust_threshold: 0.85, max_patterns_per_sheet: 3, require_validated_status: true, log_applications: true}
        grounding: {enabled: false, hooks: [{type: file_checksum, name: h, expected_checksums: {a: b}, checksum_algorithm: sha256}], fail_on_grounding_failure: true, escalate_on_failure: true, timeout_seconds: 30}
        ai_review: {enabled: false, min_score: 60, target_score: 80, on_low_score: warn, max_retry_for_review: 2, review_prompt_template: null}
        logging: {level: INFO, format: console, file_path: null, max_file_size_mb: 50, backup_count: 5, include_timestamps: true, include_context: true}
        workspace_lifecycle: {archive_on_fresh: true, archive_dir: archive, archive_naming: iteration, max_archives: 3, preserve_patterns: [".marianne-*"]}
        isolation: {enabled: false, mode: worktree, worktree_base: null, branch_prefix: marianne, source_branch: null, cleanup_on_success: true, cleanup_on_failure: false, lock_during_execution: true, fallback_on_error: true}
        conductor: {name: me, role: human, identity_context: null, preferences: {prefer_minimal_output: false, escalation_response_timeout_seconds: 300, auto_retry_on_transient_errors: true, notification_channels: []}}
        parallel: {enabled: true, max_concurrent: 3, fail_fast: true, budget_partition: true, stagger_delay_ms: 100}
        stale_detection: {enabled: true, idle_timeout_seconds: 300, check_interval_seconds: 30}
        checkpoints: {enabled: false, triggers: [{name: t, sheet_nums: [1], prompt_contains: [x], min_retry_count: 1, requires_confirmation: true, message: m}]}
        bridge: {enabled: false, mcp_proxy_enabled: true, mcp_servers: [{name: fs, command: npx, args: [], env: {}, working_dir: null, timeout_seconds: 30}], hybrid_routing_enabled: false, complexity_threshold: 0.7, fallback_to_claude: true, context_budget_percent: 75}
        cross_sheet: {auto_capture_stdout: true, max_output_chars: 2000, capture_files: ["{{ workspace }}/*.md"], lookback_sheets: 3}
        feedback: {enabled: false, pattern: "(?s)FEEDBACK_START(.+?)FEEDBACK_END", format: json}
        techniques: {tdd: {kind: skill, phases: [all], config: {}}}
        agent_card: {name: agent, description: does things, skills: [{id: s, description: d}]}
        validations:
          - {type: file_exists, path: "{workspace}/a-{sheet_num}.md", description: d, stage: 1, condition: "sheet_num >= 1", retry_count: 3, retry_delay_ms: 200}
          - {type: command_succeeds, command: "test -d {project_root}", working_directory: "{workspace}", timeout_seconds: 60, sheet: 2}
          - {type: content_regex, path: "{workspace}/a.md", pattern: "(?P<word>ok)"}
          - {type: content_contains, path: "{workspace}/a.md", pattern: ok}
          - {type: file_modified, path: "{workspace}/a.md"}
        notifications: [{type: desktop, on_events: [job_complete, job_failed], config: {}}]
        on_success:
          - {type: run_job, job_path: "{workspace}/next.yaml", job_workspace: null, inherit_learning: true, description: chain, on_failure: continue, timeout_seconds: 300, detached: true, fresh: true, pause_before_chain: false}
          - {type: run_command, command: "echo done", working_directory: null}
        concert: {enabled: true, max_chain_depth: 5, cooldown_between_jobs_seconds: 5, inherit_workspace: true, concert_log_path: null, abort_concert_on_hook_failure: false}
        state_backend: sqlite
        state_path: null
        pause_between_sheets_seconds: 2
        """
}
