import Foundation
import Testing
@testable import MarianneConductor

/// Slurm's answers, as a real 22.05 cluster prints them, become job states and exit statuses.
struct SlurmParsingTests {
    @Test func squeueLinesGiveStateReasonExitAndComment() throws {
        let parsed = SlurmJobStatus.parseQueue([
            "2|FAILED|NonZeroExitCode|768|2026-12-01T23:09:38|mzt-test-1.1|(null)",
            "3|FAILED|JobLaunchFailure|15|2026-12-01T23:09:40|mzt.test.1.1.abcdef|marianne job=test sheet=1 attempt=1 token=0123",
            "4|PENDING|BeginTime|0|2026-12-02T01:05:42|pend|(null)",
            "5|RUNNING|None|0|N/A|run|a comment | with a bar",
            "not a job line",
        ])
        #expect(parsed.map(\.jobID) == ["2", "3", "4", "5"])
        #expect(parsed[0].state == .failed && parsed[0].exit == .exited(3) && parsed[0].comment == nil)
        #expect(parsed[1].exit == .signaled(15))
        #expect(parsed[1].comment == "marianne job=test sheet=1 attempt=1 token=0123")
        #expect(parsed[2].state == .pending && parsed[2].reason == "BeginTime")
        // A pending job's StartTime is only Slurm's guess.
        #expect(parsed[2].startedAt == nil && parsed[3].startedAt == nil)
        let started = try #require(parsed[0].startedAt)
        let parts = Calendar.current.dateComponents([.year, .month, .day, .hour, .minute, .second], from: started)
        #expect([parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second] == [2026, 12, 1, 23, 9, 38])
        #expect(parsed[3].reason == nil && parsed[3].comment == "a comment | with a bar")
    }

    @Test func completionRecordsGiveExitCodeAndSignal() {
        let parsed = SlurmJobStatus.parseAccounting([
            "3|mzt.test.1.1.abcdef|FAILED|0:15",
            "2|mzt-test-1.1|FAILED|3:0",
            "7|x|CANCELLED by 0|0:0",
            "garbage",
        ])
        #expect(parsed.map(\.exit) == [.signaled(15), .exited(3), .exited(0)])
        #expect(parsed[0].name == "mzt.test.1.1.abcdef")
        #expect(parsed[2].state == .cancelled)
    }

    @Test(arguments: [
        ("COMPLETED", true), ("FAILED", true), ("CANCELLED", true), ("TIMEOUT", true), ("NODE_FAIL", true),
        ("OUT_OF_MEMORY", true), ("PENDING", false), ("RUNNING", false), ("SUSPENDED", false), ("COMPLETING", false),
    ])
    func finalStates(state: String, final: Bool) {
        #expect(SlurmState(state).isFinal == final)
        #expect(SlurmState(state).description == state)
    }

    @Test func eachFinalStateBecomesTheAttemptsOutcome() {
        func result(_ state: String, _ raw: Int = 0) -> ExecutionResult {
            SlurmExecutor.result(of: SlurmJobStatus(jobID: "9", state: SlurmState(state), exit: SlurmJobStatus.waitStatus(raw)))
        }
        #expect(result("COMPLETED") == ExecutionResult(status: .exited(0)))
        #expect(result("FAILED", 768).status == .exited(3))
        #expect(result("FAILED", 768).failure == nil)
        #expect(result("TIMEOUT").timedOut)
        #expect(result("OUT_OF_MEMORY").failure?.contains("executor.mem") == true)
        #expect(result("NODE_FAIL").failure?.contains("NODE_FAIL") == true)
        #expect(result("CANCELLED").failure?.contains("outside the conductor") == true)
        // A launch failure has no exit code but is no success.
        #expect(result("FAILED").status != .exited(0))
    }
}
