import Foundation
import MarianneTestSupport
import Testing
@testable import MarianneConductor

/// The one poller: a single squeue call per tick for every job followed, backing off while
/// nothing changes, accounting for jobs squeue forgot, and jobs nobody knows reported gone.
struct SlurmMonitorTests {
    func monitor(_ fake: FakeSlurm, min: Duration = .milliseconds(10), max: Duration = .milliseconds(80), gone: Duration = .milliseconds(100)) -> SlurmMonitor {
        SlurmMonitor(client: SlurmClient(commands: fake), minInterval: min, maxInterval: max, goneAfter: gone)
    }

    @Test func oneSqueueCallAsksAboutEveryJob() async throws {
        let fake = FakeSlurm()
        let monitor = monitor(fake)
        let ids = (1...5).map { fake.add(name: "n\($0)", comment: "c\($0)", state: "RUNNING") }
        for (index, id) in ids.enumerated() { await monitor.follow(id, name: "n\(index + 1)", comment: "c\(index + 1)") }
        try await Poll.until(timeout: 60) {
            var all = true
            for id in ids where await monitor.observation(id)?.status?.state != .running { all = false }
            return all
        }
        let last = try #require(fake.calls(.squeue).last)
        #expect(last.contains(ids.joined(separator: ",")))
        for id in ids { await monitor.forget(id) }
    }

    @Test func itBacksOffWhileNothingChangesAndStopsWithNothingToFollow() async throws {
        let fake = FakeSlurm()
        let monitor = monitor(fake, min: .milliseconds(10), max: .milliseconds(100))
        let id = fake.add(name: "n", comment: "c", state: "RUNNING")
        await monitor.follow(id, name: "n", comment: "c")
        try await Poll.until(timeout: 60) { await monitor.polls >= 1 }
        let before = await monitor.polls
        try await Task.sleep(for: .seconds(1))
        let polls = await monitor.polls - before
        // At 10 ms throughout it would be ~100 calls; backing off to 100 ms makes it ~15
        // (fewer on a loaded machine, never more).
        #expect(polls <= 30, "\(polls) polls in one second")
        fake.set(id, state: "COMPLETED")
        await monitor.nudge()
        try await Poll.until(timeout: 60) { await monitor.observation(id)?.status?.state == .completed }
        await monitor.forget(id)
        let stopped = await monitor.polls
        try await Task.sleep(for: .milliseconds(300))
        #expect(await monitor.polls <= stopped + 1)
    }

    @Test func aJobSqueueForgotIsFoundInTheCompletionRecords() async throws {
        let fake = FakeSlurm()
        let monitor = monitor(fake)
        let id = fake.add(name: "n", comment: "c", state: "COMPLETED")
        fake.set(id, state: "FAILED", exitStatus: 2 << 8)
        fake.forget(id)
        await monitor.follow(id, name: "n", comment: "c")
        try await Poll.until(timeout: 60) { await monitor.observation(id)?.status?.state == .failed }
        #expect(await monitor.observation(id)?.status?.exit == .exited(2))
        #expect(fake.calls(.sacct).contains { $0.first == "-c" })
        await monitor.forget(id)
    }

    @Test func aJobNobodyKnowsIsGoneAndAReusedIdIsNotTakenForIt() async throws {
        let fake = FakeSlurm()
        let monitor = monitor(fake)
        let lost = fake.add(name: "n", comment: "ours", state: "RUNNING")
        let vanished = fake.add(name: "m", comment: "mine", state: "RUNNING")
        // The controller lost both; it handed the first id to another job.
        fake.lose(lost)
        fake.lose(vanished)
        fake.add(id: lost, name: "other", comment: "theirs", state: "RUNNING")
        await monitor.follow(lost, name: "n", comment: "ours")
        await monitor.follow(vanished, name: "m", comment: "mine")
        try await Poll.until(timeout: 60) {
            let first = await monitor.observation(lost)?.gone == true
            let second = await monitor.observation(vanished)?.gone == true
            return first && second
        }
        #expect(await monitor.observation(lost)?.status == nil)
        await monitor.forget(lost)
        await monitor.forget(vanished)
    }

    @Test func aWaiterWakesWhenItsJobChanges() async throws {
        let fake = FakeSlurm()
        let monitor = monitor(fake, min: .milliseconds(10), max: .milliseconds(20))
        let id = fake.add(name: "n", comment: "c", state: "PENDING")
        await monitor.follow(id, name: "n", comment: "c")
        try await Poll.until(timeout: 60) { await monitor.observation(id)?.status != nil }
        let version = try #require(await monitor.observation(id)?.version)
        fake.set(id, state: "RUNNING")
        let began = ContinuousClock.now
        await monitor.waitForChange(id, after: version, timeout: .seconds(10))
        #expect(ContinuousClock.now - began < .seconds(9))
        #expect(await monitor.observation(id)?.status?.state == .running)
        await monitor.forget(id)
    }
}
