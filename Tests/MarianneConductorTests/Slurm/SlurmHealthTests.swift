import Foundation
import MarianneTestSupport
import Testing
@testable import MarianneConductor

/// What conductor.status says about Slurm, without ever waiting long for it.
struct SlurmHealthTests {
    func fakeBin() throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        let sbatch = dir.file("sbatch")
        _ = FileManager.default.createFile(atPath: sbatch, contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755])
        _ = FileManager.default.createFile(atPath: dir.file("slurm.conf"), contents: Data("ClusterName=fake\n".utf8))
        return dir
    }

    @Test func withoutSbatchItSaysSo() async {
        let service = SlurmService(commands: FakeSlurm())
        let answer = await service.reachability(environment: ["PATH": "/nonexistent"])
        #expect(answer.sbatch == nil)
        #expect(!answer.clusterAnswers)
        #expect(answer.message.contains("not on the conductor's PATH"))
    }

    @Test func withoutAConfigurationItDoesNotAskTheController() async throws {
        let bin = try fakeBin()
        defer { bin.remove() }
        let fake = FakeSlurm()
        let answer = await SlurmService(commands: fake).reachability(environment: ["PATH": bin.path, "SLURM_CONF": bin.file("missing.conf")])
        #expect(answer.sbatch == bin.file("sbatch"))
        #expect(answer.message.contains("no Slurm configuration"))
        #expect(fake.calls(.scontrol).isEmpty)
    }

    @Test func aControllerThatAnswersIsReportedAndTheAnswerKept() async throws {
        let bin = try fakeBin()
        defer { bin.remove() }
        let fake = FakeSlurm()
        // An answer kept for an hour: on a loaded machine the two calls can be seconds apart.
        let service = SlurmService(commands: fake, healthMaxAge: 3600)
        let environment = ["PATH": bin.path, "SLURM_CONF": bin.file("slurm.conf")]
        let first = await service.reachability(environment: environment)
        #expect(first.clusterAnswers)
        #expect(first.message == "Slurmctld(primary) at fake is UP")
        let second = await service.reachability(environment: environment)
        #expect(second.clusterAnswers)
        #expect(second.ageSeconds != nil)
        #expect(fake.calls(.scontrol).count == 1)
    }
}
