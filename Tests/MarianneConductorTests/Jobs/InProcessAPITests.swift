import Foundation
import Logging
import MarianneConductor
import MarianneProtocol
import MarianneCore
import MarianneTestSupport
import Testing

/// A Swift module: sums 1...n, one step per result, resuming from its checkpoint.
struct SummingModule: JobModule {
    let manifest = ModuleManifest(
        id: "summing", name: "Summing", version: "1.0.0", entrypoint: "",
        inputs: ["n": ModuleParameter(type: .integer, required: true)],
        settings: ["stall": ModuleParameter(type: .boolean, default: .bool(false))]
    )

    func run(_ context: JobContext, inputs: [String: JSONValue], settings: [String: JSONValue], checkpoint: JSONValue?) async throws {
        let n = inputs["n"]?.intValue ?? 0
        var i = checkpoint?["next"]?.intValue ?? 1
        var total = checkpoint?["total"]?.intValue ?? 0
        await context.log("summing from \(i) to \(n)")
        while i <= n {
            if context.isCancelled { return }
            total += i
            await context.saveResult(.object(["i": .int(i), "total": .int(total)]))
            await context.saveCheckpoint(.object(["next": .int(i + 1), "total": .int(total)]))
            i += 1
        }
        if settings["stall"] == .bool(true) {
            while !context.isCancelled { try await Task.sleep(nanoseconds: 10_000_000) }
            return
        }
        await context.log("total \(total)", level: "INFO")
    }
}

struct InProcessAPITests {
    func makeScheduler(_ dir: TemporaryDirectory) throws -> JobScheduler {
        let environment = ConductorEnvironment(
            home: ConductorHome(root: dir.file("home")), settings: ConductorSettings(maxConcurrentJobs: 2),
            logger: Logger(label: "test")
        )
        return try JobScheduler(environment: environment, modules: [SummingModule()])
    }

    @Test func aSwiftModuleRunsWithNoSocket() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let scheduler = try makeScheduler(dir)
        let id = try await scheduler.startJob(moduleID: "summing", inputs: ["n": .int(4)])
        #expect(id == "summing")
        let job = try await scheduler.waitForJob(id, timeout: 60)
        #expect(job.status == .completed)
        let results = try await scheduler.jobResults(id)
        #expect(results.map(\.seq) == [1, 2, 3, 4])
        #expect(results.last?.data["total"] == .int(10))
        let messages = try await scheduler.logEntries(id).map(\.message)
        #expect(messages.contains("summing from 1 to 4"))
        #expect(messages.contains("total 10"))
        #expect(await scheduler.status().modules.contains("summing"))
    }

    @Test func aCheckpointGivenAtStartIsWhereTheModuleContinues() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let scheduler = try makeScheduler(dir)
        let id = try await scheduler.startJob(
            moduleID: "summing", inputs: ["n": .int(5)], checkpoint: .object(["next": .int(4), "total": .int(6)]), id: "later"
        )
        #expect(try await scheduler.waitForJob(id, timeout: 60).status == .completed)
        let results = try await scheduler.jobResults(id)
        #expect(results.count == 2)
        #expect(results.last?.data["total"] == .int(15))
    }

    @Test func invalidInputsAreRefusedBeforeAnythingRuns() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let scheduler = try makeScheduler(dir)
        await #expect(throws: JobError.self) {
            _ = try await scheduler.startJob(moduleID: "summing", inputs: ["n": .string("many"), "extra": .int(1)])
        }
        // A Swift error for Swift callers: the problems, no command-line hints.
        do {
            _ = try await scheduler.startJob(moduleID: "summing", inputs: ["extra": .int(1)])
            Issue.record("invalid inputs were accepted")
        } catch let error as JobError {
            guard case .invalidModule(let message, let problems) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(message.contains("\"n\" is required"))
            #expect(problems.contains { $0.contains("\"extra\" is not declared") })
            // The socket's form of the same error.
            #expect(RPCError(job: error).code == RPCErrorCode.invalidParams.rawValue)
        }
        #expect(await scheduler.status().jobsByStatus.isEmpty)
    }

    @Test func stopJobCancelsAndSubscribersSeeTheEnd() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let scheduler = try makeScheduler(dir)
        let stream = scheduler.subscribeLogs(jobID: "stalling")
        let id = try await scheduler.startJob(moduleID: "summing", inputs: ["n": .int(1)], settings: ["stall": .bool(true)], id: "stalling")
        let collector = Task {
            var seen: [String] = []
            for await entry in stream { seen.append(entry.message) }
            return seen
        }
        try await Poll.until(timeout: 60) { (try? await scheduler.jobResults(id).count) == 1 }
        #expect(await scheduler.stopJob(id))
        #expect(try await scheduler.waitForJob(id, timeout: 60).status == .cancelled)
        let seen = await collector.value
        #expect(seen.contains("summing from 1 to 1"))
        #expect(seen.last == "job cancelled")
    }
}
