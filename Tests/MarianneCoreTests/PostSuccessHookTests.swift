import MarianneCore
import Testing

/// Both forms of `on_success` load into Marianne's model; the current form keeps running.
struct PostSuccessHookTests {
    @Test func currentAndTypedForms() throws {
        let loaded = try Scores.load(Scores.with("""
            on_success:
              - {run_command: "echo done"}
              - {run_job: next.yaml}
              - {type: run_job, job_path: "{workspace}/again.yaml", detached: true, fresh: true, on_failure: abort}
              - {type: run_script, command: ./notify.sh, timeout_seconds: 30}
            concert: {enabled: true, max_chain_depth: 3}
            """))
        let score = loaded.score
        #expect(score.onSuccess == [.runCommand("echo done"), .runJob("next.yaml")])
        #expect(score.postSuccessHooks.map(\.kind) == [.runCommand, .runJob, .runJob, .runScript])
        #expect(score.postSuccessHooks.map(\.typed) == [false, false, true, true])
        let chain = score.postSuccessHooks[2]
        #expect(chain.detached && chain.fresh && chain.onFailure == .abort)
        #expect(chain.expanded(chain.jobPath ?? "", workspace: "/ws", jobID: "j") == "/ws/again.yaml")
        #expect(score.postSuccessHooks[3].timeoutSeconds == 30)
        #expect(score.concert.allowsChain(fromDepth: 2) && !score.concert.allowsChain(fromDepth: 3))
        #expect(ConcertConfig().allowsChain(fromDepth: 1000), "without concert.enabled there is no depth limit, as in Marianne")
        // Both forms run: no warning.
        #expect(loaded.warnings.filter { $0.code == "W001" }.isEmpty)
    }

    @Test func typedHooksNeedTheirFields() {
        let found = Scores.errors(Scores.with("on_success:\n  - {type: run_job}\n  - {type: run_command}\n  - {type: deploy, command: x}\n"))
        #expect(found.map(\.code) == ["V004", "V004", "V005"])
    }
}
