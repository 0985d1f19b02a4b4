import Foundation
import MarianneCore
import MarianneProtocol
import MarianneTestSupport
import Testing

/// Marianne's verbs: recover, modify, errors, diagnose, history, doctor, top, config.
@Suite(.serialized)
struct VerbsTests {
    /// Two sheets; the first does its work, then exits 3.
    func flaky(_ fx: JobFixture, _ name: String) throws -> String {
        try fx.score(name, """
            name: \(name)
            workspace: ./\(name)-ws
            sheet: {size: 1, total_items: 2}
            backend: {type: command}
            prompt: {template: "echo x > f{{ sheet_num }}.txt; [ {{ sheet_num }} = 2 ] || { echo 'it broke' >&2; exit 3; }"}
            validations:
              - {type: file_exists, path: "{workspace}/f{sheet_num}.txt"}
            retry: {max_retries: 1, base_delay_seconds: 0.01}
            """)
    }

    @Test func errorsHistoryAndDiagnoseExplainAFailure() async throws {
        let fx = try await JobFixture()
        #expect(try await fx.mzt("submit", try flaky(fx, "err"), "--wait").exitCode == 1)
        let errors = try await fx.mzt("errors", "err", "--verbose")
        #expect(errors.exitCode == 0)
        #expect(errors.stdout.contains("sheet 1:"))
        #expect(errors.stdout.contains("attempt 1 transient") && errors.stdout.contains("attempt 2 permanent"), "\(errors.stdout)")
        #expect(errors.stdout.contains("| it broke"))
        let history = try await fx.mzt("history", "err", "--json")
        let records = try JSONDecoder.wire.decode([AttemptRecordView].self, from: Data(history.stdout.utf8))
        #expect(records.map(\.attempt) == [1, 2])
        #expect(records.allSatisfy { $0.sheet == 1 && $0.outcome == "failed" })
        let diagnose = try await fx.mzt("diagnose", "err", "--include-logs")
        #expect(diagnose.exitCode == 0)
        #expect(diagnose.stdout.contains("sheet 1 failed after 2 attempt(s), exit code 3"), "\(diagnose.stdout)")
        #expect(diagnose.stdout.contains("mzt resume err"))
        #expect(diagnose.stdout.contains("sheet-1.2.err"))
        #expect(diagnose.stdout.contains("it broke"))
    }

    @Test func recoverMarksSheetsWhoseValidationsPass() async throws {
        let fx = try await JobFixture()
        #expect(try await fx.mzt("submit", try flaky(fx, "rec"), "--wait").exitCode == 1)
        let dry = try await fx.mzt("recover", "rec", "--dry-run")
        #expect(dry.exitCode == 0)
        #expect(dry.stdout.contains("sheet 1: passes"))
        #expect(try await fx.status("rec").sheets[0].status == .failed)
        let recovered = try await fx.mzt("recover", "rec")
        #expect(recovered.exitCode == 0, "\(recovered.stderr)")
        #expect(recovered.stdout.contains("mzt resume rec runs the sheets left"), "\(recovered.stdout)")
        let status = try await fx.status("rec")
        #expect(status.sheets.map(\.status) == [.completed, .pending])
        #expect(try await fx.mzt("resume", "rec").exitCode == 0)
        #expect(try await fx.mzt("wait", "rec").exitCode == 0)
        // Only the second sheet ran again.
        #expect(try await fx.status("rec").sheets[0].attempts == 2)
    }

    @Test func modifyPausesAndResumesWithTheNewScore() async throws {
        let fx = try await JobFixture()
        let old = try fx.score("mod", """
            name: mod
            workspace: ./mod-ws
            sheet: {size: 1, total_items: 3}
            backend: {type: command}
            prompt: {template: "echo old{{ sheet_num }} >> ran.txt; while [ ! -e go ]; do sleep 0.05; done"}
            """)
        let new = try fx.score("mod-new", """
            name: mod
            workspace: ./mod-ws
            sheet: {size: 1, total_items: 3}
            backend: {type: command}
            prompt: {template: "echo new{{ sheet_num }} >> ran.txt"}
            """)
        #expect(try await fx.mzt("submit", old).exitCode == 0)
        let ran = fx.workspace("mod-ws") + "/ran.txt"
        try await fx.waitForFile(ran)
        async let modified = fx.mzt("modify", "mod", "--config", new, "--resume")
        // The sheet running is let go only once the pause is asked for: sheet 2 then runs the new score.
        try await Poll.until(timeout: 30) { try await fx.mzt("logs", "mod").stdout.contains("pause requested") }
        FileManager.default.createFile(atPath: fx.workspace("mod-ws") + "/go", contents: nil)
        let result = try await modified
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(try await fx.mzt("wait", "mod").exitCode == 0)
        #expect(JobFixture.lines(ran) == ["old1", "new2", "new3"])
    }

    @Test func doctorChecksTheInstallation() async throws {
        let fx = try await JobFixture()
        let doctor = try await fx.mzt("doctor", "--json")
        #expect(doctor.exitCode == 0, "\(doctor.stdout)")
        for name in ["mzt-conductor", "home", "conductor.yaml", "disk", "conductor", "bash"] {
            #expect(doctor.stdout.contains("\"name\" : \"\(name)\""), "\(name)")
        }
        try "http: nonsense\n".write(toFile: fx.conductor.home + "/conductor.yaml", atomically: true, encoding: .utf8)
        let broken = try await fx.mzt("doctor")
        #expect(broken.exitCode == 1)
        #expect(broken.stdout.contains("FAIL  conductor.yaml"), "\(broken.stdout)")
    }

    @Test func topShowsTheConductorOnATerminalAndQuitsOnQ() async throws {
        guard CLI.hasScript else { return }
        let fx = try await JobFixture()
        #expect(try await CLI.add(fx, "--id", "watched", "--", "sleep", "30").exitCode == 0)
        try await fx.waitForStatus("watched") { $0.job.status == .running }
        let live = try await CLI.onTerminal(fx.conductor.home, "top --iterations 2 --interval 0.2")
        #expect(live.exitCode == 0)
        #expect(live.stdout.contains("\u{1B}[?1049h") && live.stdout.contains("\u{1B}[?1049l"), "alternate screen entered and left")
        #expect(live.stdout.contains("mzt top - conductor pid"))
        #expect(live.stdout.contains("watched"))
        let quit = try await CLI.onTerminal(fx.conductor.home, "top --interval 0.2", input: "q")
        #expect(quit.exitCode == 0)
        #expect(quit.stdout.contains("watched"))
        let plain = try await fx.mzt("top")
        #expect(plain.stdout.contains("watched") && !plain.stdout.contains("\u{1B}["))
        #expect(try await fx.mzt("cancel", "watched").exitCode == 0)
    }
}

/// The fields of `mzt history --json` these tests read.
struct AttemptRecordView: Decodable {
    var sheet: Int
    var attempt: Int
    var outcome: String
}
