import Foundation
import MarianneCore
import MarianneTestSupport
import Testing

/// Sheets run as jobs of a real Slurm cluster (one for the whole suite), by a real
/// conductor: ids in the status, parallel fan-out, retries, cancel, pause, the duration
/// limit, and recovery by re-attaching to the job instead of running the sheet again.
@Suite(.serialized, .slurmCluster, .enabled(if: SlurmCluster.enabled))
struct SlurmTests {
    var cluster: SlurmCluster {
        get throws { try #require(SlurmCluster.current, "the suite's cluster is not running") }
    }

    func fixture(executor: String = "slurm") async throws -> JobFixture {
        try await JobFixture(settings: "kill_grace_seconds: 1\nexecutor: \(executor)\n", environment: try cluster.environment)
    }

    func ids(_ status: JobStatusResult) -> [String] {
        status.sheets.compactMap(\.slurmJobID)
    }

    @Test func eachSheetRunsAsASlurmJobWhoseIdIsInTheStatus() async throws {
        let fx = try await fixture()
        let path = try fx.score("trio", """
            name: trio
            workspace: ./trio-ws
            sheet: {size: 1, total_items: 3}
            prompt: {template: "echo $SLURM_JOB_ID > job-{{ sheet_num }}.txt"}
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        let status = try await fx.status("trio")
        let ids = ids(status)
        #expect(ids.count == 3)
        #expect(Set(ids).count == 3)
        for sheet in status.sheets {
            let written = JobFixture.lines(fx.workspace("trio-ws") + "/job-\(sheet.number).txt")
            #expect(written == [sheet.slurmJobID ?? "none"], "sheet \(sheet.number) ran as Slurm job \(written)")
            #expect(sheet.slurmState == "COMPLETED")
        }
        // The comment names the job, the sheet and the attempt.
        #expect(try await cluster.comment(of: ids[1]).contains("job=trio sheet=2 attempt=1"))
        let text = try await fx.mzt("status", "trio")
        #expect(text.stdout.contains("SLURM"))
        #expect(text.stdout.contains("\(ids[2]) COMPLETED"))
    }

    @Test func dependenciesHoldAndFanOutVoicesRunAtTheSameTime() async throws {
        let fx = try await fixture()
        // Stage 2 has three voices that each wait until all three have started: they pass
        // only if the cluster runs them side by side.
        let path = try fx.score("fan", """
            name: fan
            workspace: ./fan-ws
            sheet: {size: 1, total_items: 3, fan_out: {2: 3}}
            parallel: {max_concurrent: 3}
            prompt:
              template: |
                echo "$SLURM_JOB_ID" > job-{{ sheet_num }}.txt
                if [ {{ stage }} = 2 ]; then
                  touch started-{{ instance }}
                  for i in $(seq 600); do [ "$(ls started-* | wc -l)" -ge 3 ] && exit 0; sleep 0.05; done
                  exit 9
                fi
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        let status = try await fx.status("fan")
        #expect(status.sheets.allSatisfy { $0.status == .completed })
        #expect(Set(ids(status)).count == 5)
        let finished = { (n: Int) in status.sheets[n - 1].finishedAt ?? .distantFuture }
        let started = { (n: Int) in status.sheets[n - 1].startedAt ?? .distantPast }
        // Each stage starts after the one it depends on ended.
        #expect((2...4).allSatisfy { started($0) >= finished(1) })
        #expect((2...4).allSatisfy { started(5) >= finished($0) })
    }

    @Test func aFailingSheetIsRetriedAsANewSlurmJob() async throws {
        let fx = try await fixture()
        let path = try fx.score("flaky", """
            name: flaky
            workspace: ./flaky-ws
            retry: {max_retries: 2, base_delay_seconds: 0.1}
            prompt: {template: "echo $SLURM_JOB_ID >> ids.txt; [ -e once ] || { touch once; echo broken >&2; exit 3; }"}
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        let status = try await fx.status("flaky")
        #expect(status.sheets[0].attempts == 2)
        let ran = JobFixture.lines(fx.workspace("flaky-ws") + "/ids.txt")
        #expect(ran.count == 2)
        #expect(Set(ran).count == 2)
        #expect(status.sheets[0].slurmJobID == ran.last)
        let logs = try await fx.mzt("logs", "flaky")
        #expect(logs.stdout.contains("sheet 1 attempt 1 failed: exit code 3"))
    }

    @Test func cancellingARunningSheetLeavesNothingInTheQueue() async throws {
        let fx = try await fixture()
        let path = try fx.score("spinner", """
            name: spinner
            workspace: ./spinner-ws
            prompt: {template: "trap '' TERM; while true; do sleep 0.1; done"}
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        try await fx.waitForStatus("spinner", timeout: 60) { $0.sheets.first?.slurmState == "RUNNING" }
        let id = try #require(try await fx.status("spinner").sheets.first?.slurmJobID)
        #expect(try await fx.mzt("cancel", "spinner").exitCode == 0)
        // The batch shell ignores TERM: the plain scancel after the grace ends it.
        try await fx.waitForStatus("spinner", timeout: 60) { $0.job.status == .cancelled }
        try await fx.conductor.waitUntil(timeout: 60, poll: 0.2) { try await cluster.activeJobs([id]).isEmpty }
        #expect(try await fx.status("spinner").sheets.first?.slurmState == "CANCELLED")
    }

    @Test func aPendingSheetShowsItsReasonAndIsCancelledWithoutASignal() async throws {
        let fx = try await fixture()
        let path = try fx.score("later", """
            name: later
            workspace: ./later-ws
            executor: {extra_args: ["--begin=now+1hour"]}
            prompt: {template: "touch ran"}
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        try await fx.waitForStatus("later", timeout: 60) { $0.sheets.first?.slurmReason == "BeginTime" }
        let status = try await fx.status("later")
        let id = try #require(status.sheets.first?.slurmJobID)
        #expect(status.sheets.first?.slurmState == "PENDING")
        #expect(try await fx.mzt("status", "later").stdout.contains("\(id) PENDING (BeginTime)"))
        let began = Date()
        #expect(try await fx.mzt("cancel", "later").exitCode == 0)
        try await fx.waitForStatus("later", timeout: 60) { $0.job.status == .cancelled }
        // A signal to a pending job blocks for a minute; a plain scancel is at once.
        #expect(Date().timeIntervalSince(began) < 40)
        #expect(try await cluster.activeJobs([id]).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: fx.workspace("later-ws") + "/ran"))
    }

    @Test func afterKillNineTheRestartedConductorUsesTheSameSlurmJob() async throws {
        let fx = try await fixture()
        let path = try fx.score("survivor", """
            name: survivor
            workspace: ./survivor-ws
            sheet: {size: 1, total_items: 2}
            prompt: {template: "echo $SLURM_JOB_ID >> ran-{{ sheet_num }}.txt; while [ ! -e gate ]; do sleep 0.05; done"}
            backend: {type: command}
            """)
        let ws = fx.workspace("survivor-ws")
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        try await fx.waitForFile(ws + "/ran-1.txt", timeout: 60)
        let before = try await fx.status("survivor")
        let id = try #require(before.sheets[0].slurmJobID)
        try fx.conductor.kill9()
        // The job runs on without its conductor.
        #expect(try await cluster.activeJobs([id]).count == 1)
        try await fx.conductor.restart()
        FileManager.default.createFile(atPath: ws + "/gate", contents: nil)
        #expect(try await fx.mzt("wait", "survivor", "--timeout", "60").exitCode == 0)
        let after = try await fx.status("survivor")
        // One run of the sheet: the same Slurm job, its result used.
        #expect(JobFixture.lines(ws + "/ran-1.txt") == [id])
        #expect(after.sheets[0].slurmJobID == id)
        #expect(after.sheets[0].attempts == 1)
        #expect(after.sheets[0].exitCode == 0)
        let logs = try await fx.mzt("logs", "survivor")
        #expect(logs.stdout.contains("sheet 1 re-attached to Slurm job \(id) (attempt 1)"))
        #expect(logs.stdout.components(separatedBy: "sheet 1 started").count == 2)
    }

    @Test func aStoppedConductorLeavesTheJobRunningAndTheNextOneReattaches() async throws {
        let fx = try await fixture()
        let path = try fx.score("calm", """
            name: calm
            workspace: ./calm-ws
            prompt: {template: "echo $SLURM_JOB_ID >> ran.txt; while [ ! -e gate ]; do sleep 0.05; done"}
            backend: {type: command}
            """)
        let ws = fx.workspace("calm-ws")
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        try await fx.waitForFile(ws + "/ran.txt", timeout: 60)
        let id = try #require(try await fx.status("calm").sheets[0].slurmJobID)
        #expect(try await fx.mzt("stop", "--yes").exitCode == 0)
        #expect(try await cluster.activeJobs([id]).count == 1)
        try await fx.conductor.restart()
        FileManager.default.createFile(atPath: ws + "/gate", contents: nil)
        #expect(try await fx.mzt("wait", "calm", "--timeout", "60").exitCode == 0)
        #expect(JobFixture.lines(ws + "/ran.txt") == [id])
    }

    @Test func theDurationLimitStopsTheJobAndItsSlurmJob() async throws {
        let fx = try await fixture()
        let path = try fx.score("bounded", """
            name: bounded
            workspace: ./bounded-ws
            max_duration: 4s
            prompt: {template: "touch started; while true; do sleep 0.1; done"}
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        try await fx.waitForStatus("bounded", timeout: 60) { $0.job.status == .stopped }
        let status = try await fx.status("bounded")
        #expect(status.job.error?.contains("Duration limit") == true)
        let id = try #require(status.sheets.first?.slurmJobID)
        try await fx.conductor.waitUntil(timeout: 60, poll: 0.2) { try await cluster.activeJobs([id]).isEmpty }
    }

    @Test func theSheetTimeoutEndsTheSlurmJob() async throws {
        let fx = try await fixture()
        let path = try fx.score("slow", """
            name: slow
            workspace: ./slow-ws
            backend: {type: command, timeout_seconds: 2}
            prompt: {template: "while true; do sleep 0.1; done"}
            """)
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        try await fx.waitForStatus("slow", timeout: 60) { $0.job.status == .failed }
        let sheet = try #require(try await fx.status("slow").sheets.first)
        #expect(sheet.error?.contains("timed out") == true, "\(sheet.error ?? "no error")")
        let id = try #require(sheet.slurmJobID)
        try await fx.conductor.waitUntil(timeout: 60, poll: 0.2) { try await cluster.activeJobs([id]).isEmpty }
    }

    @Test func pauseNowSuspendsTheJobAndResumeContinuesIt() async throws {
        let fx = try await fixture()
        let path = try fx.score("ticker", """
            name: ticker
            workspace: ./ticker-ws
            prompt: {template: "for i in $(seq 1000); do echo $i >> ticks; [ -e gate ] && exit 0; sleep 0.05; done; exit 4"}
            backend: {type: command}
            """)
        let ticks = fx.workspace("ticker-ws") + "/ticks"
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        try await fx.waitForFile(ticks, lines: 3, timeout: 60)
        #expect(try await fx.mzt("pause", "ticker", "--now").exitCode == 0)
        try await fx.waitForStatus("ticker", timeout: 60) { $0.sheets.first?.slurmState == "SUSPENDED" }
        let held = JobFixture.lines(ticks).count
        try await Task.sleep(for: .milliseconds(600))
        #expect(JobFixture.lines(ticks).count <= held + 1)
        #expect(try await fx.mzt("resume", "ticker").exitCode == 0)
        try await fx.waitForFile(ticks, lines: held + 5, timeout: 60)
        FileManager.default.createFile(atPath: fx.workspace("ticker-ws") + "/gate", contents: nil)
        #expect(try await fx.mzt("wait", "ticker", "--timeout", "60").exitCode == 0)
    }

    @Test func streamedOutputOfASlurmSheetReachesTheJobLog() async throws {
        let fx = try await fixture()
        let path = try fx.score("talker", """
            name: talker
            workspace: ./talker-ws
            backend: {type: command, stream_output: true}
            prompt: {template: "for i in 1 2 3; do echo line $i; done; echo oops >&2"}
            """)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        let logs = try await fx.mzt("logs", "talker")
        for line in ["sheet 1: line 1", "sheet 1: line 3", "sheet 1: oops"] {
            #expect(logs.stdout.contains(line), "\(line) is missing from the log")
        }
    }

    @Test func aScoreMixesLocalAndSlurmSheets() async throws {
        // The conductor's default is local; the score, a movement and a sheet choose.
        let fx = try await fixture(executor: "local")
        let path = try fx.score("mixed", """
            name: mixed
            workspace: ./mixed-ws
            executor: {type: slurm, cpus_per_task: 1}
            movements:
              2: {executor: {time: 10m}}
              4: {executor: local}
            sheet: {size: 1, total_items: 4, per_sheet_executors: {3: local}}
            prompt: {template: "echo ${SLURM_JOB_ID:-here} > where-{{ sheet_num }}.txt"}
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 0)
        let status = try await fx.status("mixed")
        let places = (1...4).map { JobFixture.lines(fx.workspace("mixed-ws") + "/where-\($0).txt").first ?? "missing" }
        #expect(places[0] == status.sheets[0].slurmJobID)
        #expect(places[1] == status.sheets[1].slurmJobID)
        #expect(places[2] == "here" && places[3] == "here")
        #expect(status.sheets[2].slurmJobID == nil && status.sheets[3].slurmJobID == nil)
        #expect(status.sheets[0].slurmJobID != nil && status.sheets[1].slurmJobID != nil)
    }

    @Test func conductorStatusSaysTheClusterAnswers() async throws {
        let fx = try await fixture()
        let status = try await fx.mzt("conductor-status", "--json")
        let result = try JobFixture.decoder.decode(ConductorStatusResult.self, from: Data(status.stdout.utf8))
        #expect(result.slurm?.clusterAnswers == true)
        #expect(result.slurm?.sbatch?.hasSuffix("/sbatch") == true)
        #expect(try await fx.mzt("conductor-status").stdout.contains(" is UP"))
    }
}

/// Without Slurm's commands on the conductor's PATH a Slurm sheet fails at once, saying so.
struct SlurmMissingTests {
    @Test func aSlurmSheetFailsAtOnceWhenSbatchIsMissing() async throws {
        let fx = try await JobFixture(settings: "executor: slurm\n", environment: ["PATH": "/nonexistent"])
        let path = try fx.score("nowhere", """
            name: nowhere
            workspace: ./nowhere-ws
            prompt: {template: "true"}
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        try await fx.waitForStatus("nowhere", timeout: 60) { $0.job.status == .failed }
        let status = try await fx.status("nowhere")
        #expect(status.sheets[0].error?.contains("sbatch is not on the conductor's PATH") == true)
        let conductor = try await fx.mzt("conductor-status", "--json")
        let result = try JobFixture.decoder.decode(ConductorStatusResult.self, from: Data(conductor.stdout.utf8))
        #expect(result.slurm?.sbatch == nil)
        #expect(result.slurm?.clusterAnswers == false)
    }
}
