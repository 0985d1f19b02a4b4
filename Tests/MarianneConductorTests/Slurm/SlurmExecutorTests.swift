import Foundation
import MarianneCore
import MarianneTestSupport
import Testing
@testable import MarianneConductor

/// One attempt as a Slurm job, against an in-memory cluster: what is recorded when, what
/// sbatch and scancel are asked, and what the attempt's result is.
struct SlurmExecutorTests {
    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var handles: [(AttemptHandle, Int)] = []
        let fake: FakeSlurm
        init(_ fake: FakeSlurm) { self.fake = fake }
        func take(_ handle: AttemptHandle) { lock.withLock { handles.append((handle, fake.calls(.sbatch).count)) } }
        /// The Slurm records reported, each with the number of sbatch calls made by then.
        var records: [(record: SlurmAttemptRecord, durable: Bool, sbatchCalls: Int)] {
            lock.withLock {
                handles.compactMap { handle, calls in
                    if case .slurm(let record, let durable) = handle { return (record, durable, calls) }
                    return nil
                }
            }
        }
    }

    final class StopBox: @unchecked Sendable {
        private let lock = NSLock()
        private var value: StopRequest?
        var request: StopRequest? {
            get { lock.withLock { value } }
            set { lock.withLock { value = newValue } }
        }
    }

    struct Setup {
        let dir: TemporaryDirectory
        let fake: FakeSlurm
        let executor: SlurmExecutor
        let recorder: Recorder
        let stop: StopBox

        func request(timeout: Double? = nil, reattach: SlurmAttemptRecord? = nil, configured: Bool = true) -> ExecutionRequest {
            // The fake cluster needs no configuration, but the executor checks that sbatch would find one.
            var environment = ["PATH": "/usr/bin:/bin", "MZT_CONDUCTOR": "/h"]
            if configured { environment["SLURM_CONF"] = dir.file("slurm.conf") }
            let spec = ProcessSpec(executable: "/bin/bash", arguments: ["-c", "echo hi"], environment: environment, workingDirectory: dir.path)
            return ExecutionRequest(
                jobID: "j", sheet: 1, attempt: 1, workspace: dir.path, command: reattach == nil ? spec : nil,
                stdoutPath: WorkspaceFiles.attemptOutput(workspace: dir.path, jobID: "j", sheet: 1, attempt: 1, stream: "out"),
                stderrPath: WorkspaceFiles.attemptOutput(workspace: dir.path, jobID: "j", sheet: 1, attempt: 1, stream: "err"),
                output: nil, timeout: timeout, grace: 0.2, reattach: reattach
            )
        }

        /// Starts the attempt; returns its task.
        func start(_ request: ExecutionRequest) -> Task<Result<ExecutionResult, SpawnError>, Never> {
            let (executor, recorder) = (self.executor, self.recorder)
            return Task {
                do throws(SpawnError) { return .success(try await executor.execute(request) { recorder.take($0) }) } catch { return .failure(error) }
            }
        }

        /// The id of the job sbatch made, once it exists.
        func submittedID() async throws -> String {
            try await Poll.until(timeout: 60) { fake.submitted.count == 1 }
            return try #require(fake.submitted.first?.id)
        }
    }

    func make() throws -> Setup {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: WorkspaceFiles.logDirectory(workspace: dir.path, jobID: "j"), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: dir.file("slurm.conf"), contents: Data("ClusterName=fake\n".utf8))
        let fake = FakeSlurm()
        let service = SlurmService(commands: fake, minInterval: .milliseconds(10), maxInterval: .milliseconds(40), goneAfter: .milliseconds(100))
        let stop = StopBox()
        var executor = SlurmExecutor(options: SlurmOptions(partition: "debug"), service: service, home: "/h", stopReason: { stop.request })
        executor.settleTimeout = 5
        return Setup(dir: dir, fake: fake, executor: executor, recorder: Recorder(fake), stop: stop)
    }

    @Test func theJobIsRecordedBeforeSbatchRunsAndItsIdAsSoonAsItAnswers() async throws {
        let setup = try make()
        defer { setup.dir.remove() }
        let task = setup.start(setup.request())
        let id = try await setup.submittedID()
        setup.fake.set(id, state: "COMPLETED")
        #expect(try await task.value.get() == ExecutionResult(status: .exited(0)))
        let records = setup.recorder.records
        #expect(records.first?.record.jobID == nil)
        #expect(records.first?.record.state == "SUBMITTING")
        #expect(records.first?.durable == true)
        #expect(records.first?.sbatchCalls == 0)
        #expect(records.dropFirst().first?.record.jobID == id)
        #expect(records.dropFirst().first?.durable == true)
        #expect(records.last?.record.state == "COMPLETED")
        let comment = try #require(records.first?.record.comment)
        #expect(comment.contains("job=j sheet=1 attempt=1 token="))
        let arguments = try #require(setup.fake.calls(.sbatch).first)
        #expect(arguments.contains("--comment=\(comment)"))
        #expect(arguments.contains("--partition=debug"))
        #expect(FileManager.default.fileExists(atPath: try #require(arguments.last)))
    }

    @Test func theExitCodeOfAFailedJobIsTheAttempts() async throws {
        let setup = try make()
        defer { setup.dir.remove() }
        let task = setup.start(setup.request())
        setup.fake.set(try await setup.submittedID(), state: "FAILED", reason: "NonZeroExitCode", exitStatus: 3 << 8)
        #expect(try await task.value.get().status == .exited(3))
    }

    @Test func aPendingJobIsCancelledWithoutASignal() async throws {
        let setup = try make()
        defer { setup.dir.remove() }
        let task = setup.start(setup.request())
        let id = try await setup.submittedID()
        try await Poll.until(timeout: 60) { setup.recorder.records.last?.record.state == "PENDING" }
        task.cancel()
        let result = try await task.value.get()
        #expect(result.cancelled)
        #expect(setup.fake.calls(.scancel) == [[id]])
        #expect(setup.recorder.records.last?.record.state == "CANCELLED")
    }

    @Test func aRunningJobGetsTermThenAPlainCancelAfterTheGrace() async throws {
        let setup = try make()
        defer { setup.dir.remove() }
        setup.fake.ignoreTerm = true
        let task = setup.start(setup.request())
        let id = try await setup.submittedID()
        setup.fake.set(id, state: "RUNNING")
        try await Poll.until(timeout: 60) { setup.recorder.records.last?.record.state == "RUNNING" }
        task.cancel()
        #expect(try await task.value.get().cancelled)
        #expect(setup.fake.calls(.scancel) == [["--signal=TERM", "--full", id], [id]])
    }

    @Test func atAShutdownTheJobIsLeftRunning() async throws {
        let setup = try make()
        defer { setup.dir.remove() }
        let task = setup.start(setup.request())
        let id = try await setup.submittedID()
        setup.fake.set(id, state: "RUNNING")
        try await Poll.until(timeout: 60) { setup.recorder.records.last?.record.state == "RUNNING" }
        setup.stop.request = .shutdown
        task.cancel()
        #expect(try await task.value.get().cancelled)
        #expect(setup.fake.calls(.scancel).isEmpty)
        #expect(setup.fake.job(id)?.state == "RUNNING")
        #expect(setup.recorder.records.last?.record.state == "RUNNING")
    }

    @Test func theSheetTimeoutStopsTheJob() async throws {
        let setup = try make()
        defer { setup.dir.remove() }
        let task = setup.start(setup.request(timeout: 0.3))
        let id = try await setup.submittedID()
        setup.fake.set(id, state: "RUNNING")
        let result = try await task.value.get()
        #expect(result.timedOut)
        #expect(setup.fake.calls(.scancel).first == ["--signal=TERM", "--full", id])
    }

    @Test func aRecordedJobIsFollowedAgainWithoutSubmittingAnything() async throws {
        let setup = try make()
        defer { setup.dir.remove() }
        let id = setup.fake.add(name: "mzt.j.1.1.abc", comment: "marianne job=j token=abc", state: "RUNNING")
        let record = SlurmAttemptRecord(jobID: id, name: "mzt.j.1.1.abc", comment: "marianne job=j token=abc", state: "RUNNING")
        let task = setup.start(setup.request(reattach: record))
        try await Poll.until(timeout: 60) { setup.fake.calls(.squeue).count >= 2 }
        setup.fake.set(id, state: "COMPLETED")
        #expect(try await task.value.get() == ExecutionResult(status: .exited(0)))
        #expect(setup.fake.calls(.sbatch).isEmpty)
    }

    @Test func aRecordedJobWhoseIdNowBelongsToAnotherJobIsLost() async throws {
        let setup = try make()
        defer { setup.dir.remove() }
        let id = setup.fake.add(name: "someone.else", comment: "theirs", state: "RUNNING")
        let record = SlurmAttemptRecord(jobID: id, name: "mzt.j.1.1.abc", comment: "marianne job=j token=abc", state: "RUNNING")
        let result = try await setup.start(setup.request(reattach: record)).value.get()
        #expect(result.lost)
        #expect(setup.fake.calls(.scancel).isEmpty)
    }

    @Test func aSubmissionWhoseAnswerWasNotRecordedIsFoundByItsName() async throws {
        let setup = try make()
        defer { setup.dir.remove() }
        let id = setup.fake.add(name: "mzt.j.1.1.abc", comment: "marianne job=j token=abc", state: "COMPLETED")
        let record = SlurmAttemptRecord(name: "mzt.j.1.1.abc", comment: "marianne job=j token=abc", state: "SUBMITTING")
        #expect(try await setup.start(setup.request(reattach: record)).value.get() == ExecutionResult(status: .exited(0)))
        #expect(setup.recorder.records.first?.record.jobID == id)
        #expect(setup.recorder.records.first?.durable == true)
    }

    @Test func aRefusedSubmissionSaysWhatSbatchSaid() async throws {
        let setup = try make()
        defer { setup.dir.remove() }
        setup.fake.refuseSubmission = SlurmCommandResult(exitCode: 1, stdout: [], stderr: ["sbatch: error: invalid partition specified: nope"])
        guard case .failure(let error) = await setup.start(setup.request()).value else {
            Issue.record("the submission should have failed")
            return
        }
        #expect(error.kind == .system)
        #expect(error.description.contains("invalid partition specified: nope"))
        #expect(setup.recorder.records.last?.record.state == "NOT SUBMITTED")
    }

    @Test func withoutAConfigurationNothingIsSubmitted() async throws {
        let setup = try make()
        defer { setup.dir.remove() }
        guard case .failure(let error) = await setup.start(setup.request(configured: false)).value else {
            Issue.record("the submission should have failed")
            return
        }
        #expect(error.description.contains("no Slurm configuration"))
        #expect(setup.fake.calls(.sbatch).isEmpty)
    }

    @Test func aMissingSbatchIsAClearErrorAtOnce() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let client = SlurmClient(commands: SlurmCommandLine())
        do {
            _ = try await client.submit(["x.sh"], environment: ["PATH": "/nonexistent"])
            Issue.record("sbatch cannot have run")
        } catch {
            #expect(error.description.contains("sbatch is not on the conductor's PATH"))
        }
    }
}
