import Foundation
import MarianneCore
import MarianneTestSupport
import Testing

/// Marianne's score language at run time, with a real conductor: movements and voices,
/// conditional validations, cross-sheet outputs, skip rules, injections, `..` workspaces
/// and chained scores.
struct MarianneScoreTests {
    @Test func voicesOfAMovementRunInParallel() async throws {
        let fx = try await JobFixture()
        // Each voice waits until all three have started: run one at a time, they would time out.
        let path = try fx.score("voices", """
            name: voices
            workspace: ./voices-ws
            movements:
              1: {name: Plan}
              2: {name: Build, voices: 3}
              3: {name: Merge}
            sheet: {size: 1, total_items: 3}
            parallel: {enabled: true, max_concurrent: 3}
            backend: {type: command, timeout: 60s}
            prompt:
              template: |
                {% if movement == 2 %}touch started-{{ voice }}; for i in $(seq 1 400); do [ -e started-1 ] && [ -e started-2 ] && [ -e started-3 ] && break; sleep 0.05; done; [ -e started-1 ] && [ -e started-2 ] && [ -e started-3 ] && echo {{ voice }}/{{ voice_count }} > voice-{{ voice }}.txt{% else %}echo {{ movement }} of {{ total_movements }} >> movements.txt{% endif %}
            """)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        let ws = fx.workspace("voices-ws")
        for voice in 1...3 {
            #expect(JobFixture.lines(ws + "/voice-\(voice).txt") == ["\(voice)/3"])
        }
        #expect(JobFixture.lines(ws + "/movements.txt") == ["1 of 3", "3 of 3"])
        #expect(try await fx.status("voices").sheets.count == 5)
    }

    /// A plain command line runs without bash; the program sees what it would have seen
    /// under bash, and its exit code is the sheet's.
    @Test func aPlainCommandRunsAsUnderTheShell() async throws {
        let fx = try await JobFixture()
        let path = try fx.score("direct", """
            name: direct
            workspace: ./direct-ws
            sheet: {size: 1, total_items: 3}
            backend: {type: command}
            prompt:
              template: "{% if sheet_num == 1 %}printenv SHLVL PWD _ MZT_JOB_ID{% elif sheet_num == 2 %}printenv SHLVL PWD _ MZT_JOB_ID;{% else %}false{% endif %}"
            """)
        let submitted = try await fx.mzt("submit", path, "--wait")
        #expect(submitted.exitCode == 1, "sheet 3 runs false")
        let logs = WorkspaceFiles.logDirectory(workspace: fx.workspace("direct-ws"), jobID: "direct")
        let direct = JobFixture.lines(logs + "/sheet-1.1.out")
        let shell = JobFixture.lines(logs + "/sheet-2.1.out")
        #expect(direct.count == 4 && direct == shell, "without bash: \(direct), with bash: \(shell)")
        let status = try await fx.status("direct")
        #expect(status.sheets.map(\.status) == [.completed, .completed, .failed])
        #expect(status.sheets[2].exitCode == 1)
    }

    @Test func conditionAndSheetValidationsApplyToTheirSheetsOnly() async throws {
        let fx = try await JobFixture()
        let path = try fx.score("conditional", """
            name: conditional
            workspace: ./conditional-ws
            sheet: {size: 1, total_items: 3}
            prompt: {template: "echo {{ sheet_num }} > out-{{ sheet_num }}.txt; [ {{ sheet_num }} = 1 ] && touch only-first.txt; true"}
            validations:
              - {type: file_exists, path: "{workspace}/only-first.txt", sheet: 1}
              - {type: content_regex, path: "{workspace}/out-{sheet_num}.txt", pattern: "^[23]$", condition: "sheet_num >= 2"}
              - {type: command_succeeds, command: "test {sheet_num} -ne 3", condition: "sheet_num < 3"}
            backend: {type: command}
            """)
        // The rule for sheet 1 would fail on sheets 2 and 3 (the file is removed after sheet 1).
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        let status = try await fx.status("conditional")
        #expect(status.job.status == .completed)
        let checkpoint = try fx.checkpoint("conditional", workspace: fx.workspace("conditional-ws"))
        #expect(checkpoint.sheets.map(\.validations.count) == [2, 2, 1])
    }

    @Test func previousOutputsReachALaterSheetsPrompt() async throws {
        let fx = try await JobFixture()
        let path = try fx.score("relay", """
            name: relay
            workspace: ./relay-ws
            sheet: {size: 1, total_items: 3}
            cross_sheet: {auto_capture_stdout: true, lookback_sheets: 1}
            prompt:
              template: |
                {% if sheet_num == 1 %}echo baton-{{ job_id }}{% else %}echo {{ previous_outputs[sheet_num - 1] | trim | quote }}-{{ sheet_num }} | tee got-{{ sheet_num }}.txt{% endif %}
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        let ws = fx.workspace("relay-ws")
        #expect(JobFixture.lines(ws + "/got-2.txt") == ["baton-relay-2"])
        #expect(JobFixture.lines(ws + "/got-3.txt") == ["baton-relay-2-3"])
    }

    @Test func skipRulesSkipASheetAndTheSheetsAfterItStillRun() async throws {
        let fx = try await JobFixture()
        let path = try fx.score("skippy", """
            name: skippy
            workspace: ./skippy-ws
            sheet:
              size: 1
              total_items: 4
              skip_when_command:
                2: {command: "test -e {workspace}/skip-two", description: "no second pass needed"}
              skip_when:
                3: "sheets[1].status == 'completed' and sheets[1].exit_code == 0"
            prompt: {template: "echo {{ sheet_num }} >> ran.txt; touch skip-two"}
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        let ws = fx.workspace("skippy-ws")
        #expect(JobFixture.lines(ws + "/ran.txt") == ["1", "4"])
        let status = try await fx.status("skippy")
        #expect(status.sheets.map(\.status) == [.completed, .skipped, .skipped, .completed])
        #expect(status.sheets[1].error?.contains("no second pass needed") == true)
        #expect(status.job.status == .completed)
    }

    @Test func aPreludeFileIsInjectedIntoAnAgentsPrompt() async throws {
        let fx = try await JobFixture()
        let agent = fx.dir.file("fake-agent")
        // Like `claude -p -`: keeps the prompt it reads on stdin.
        try "#!/bin/bash\ncat > \"$MZT_WORKSPACE/prompt-$MZT_SHEET_NUM.txt\"\necho done\n"
            .write(toFile: agent, atomically: true, encoding: .utf8)
        chmod(agent, 0o755)
        try "The house style: short sentences.\n".write(toFile: fx.dir.file("style.md"), atomically: true, encoding: .utf8)
        let path = try fx.score("injected", """
            name: injected
            workspace: ./injected-ws
            backend: {type: claude_cli, executable: \(agent)}
            sheet:
              size: 1
              total_items: 1
              prelude:
                - {file: "{{ workspace }}/../style.md", as: context}
            prompt: {template: "Write sheet {{ sheet_num }}."}
            """)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        let prompt = try String(contentsOfFile: fx.workspace("injected-ws") + "/prompt-1.txt", encoding: .utf8)
        #expect(prompt.contains("The house style: short sentences."))
        #expect(prompt.contains("Write sheet 1."))
        #expect(prompt.range(of: "house style")!.lowerBound < prompt.range(of: "Write sheet")!.lowerBound)
    }

    @Test func aWorkspaceWithDotDotResolvesAgainstTheScoresFolder() async throws {
        let fx = try await JobFixture()
        let folder = fx.dir.file("scores")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/up.yaml"
        try """
            name: up
            workspace: ../up-ws
            prompt: {template: "echo here > where.txt"}
            backend: {type: command}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        #expect(JobFixture.lines(fx.dir.file("up-ws") + "/where.txt") == ["here"])
    }

    @Test func theTypedOnSuccessChainsScoresUpToTheConcertDepth() async throws {
        let fx = try await JobFixture()
        try fx.score("second", """
            name: second
            workspace: ./chain-ws
            prompt: {template: "echo second >> order.txt"}
            backend: {type: command}
            """)
        // A score chaining itself: concert stops it at its depth.
        let first = try fx.score("first", """
            name: first
            workspace: ./chain-ws
            prompt: {template: "echo first >> order.txt"}
            concert: {enabled: true, max_chain_depth: 2, cooldown_between_jobs_seconds: 0}
            on_success:
              - {type: run_job, job_path: second.yaml, detached: true}
              - {type: run_job, job_path: first.yaml, fresh: true}
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", first).exitCode == 0)
        let ws = fx.workspace("chain-ws")
        try await fx.conductor.waitUntil(timeout: 60) { JobFixture.lines(ws + "/order.txt").filter { $0 == "first" }.count >= 3 }
        try await fx.waitForStatus("first") { $0.job.status == .completed }
        try await fx.waitForStatus("second") { $0.job.status == .completed }
        // first at depths 0, 1 and 2, nothing beyond; second chained by the first two (a second
        // chain may find it still running and is then refused, as a resubmission would be).
        let order = JobFixture.lines(ws + "/order.txt")
        #expect(order.filter { $0 == "first" }.count == 3)
        #expect((1...2).contains(order.filter { $0 == "second" }.count))
        let logs = try await fx.mzt("logs", "first").stdout
        #expect(logs.contains("chain depth limit reached (2)"))
    }
}
