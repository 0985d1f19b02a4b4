import Foundation
import MarianneCore
import MarianneTestSupport
import Testing
import Yams
@testable import MarianneConductor

/// `executor:` as written: Slurm options checked, bad ones refused with the key named.
struct ExecutorSettingsTests {
    func read(_ yaml: String) throws -> (ExecutorConfig?, [ScoreProblem]) {
        let node = try #require(try Yams.compose(yaml: yaml))
        guard case .mapping(let mapping) = node, let value = mapping["executor"] else { throw TestFailure("no executor") }
        var problems: [ScoreProblem] = []
        let config = ExecutorReader.read(value, path: "executor", problems: &problems)
        return (config, problems)
    }

    @Test func everyOptionIsRead() throws {
        let (config, problems) = try read("""
            executor:
              type: slurm
              partition: gpu
              time: 1h30m
              cpus_per_task: 4
              mem: 16G
              gres: "gpu:1"
              account: lab
              qos: normal
              extra_args: ["--nodes=1", "--exclusive"]
            """)
        #expect(problems.isEmpty)
        #expect(config == ExecutorConfig(type: .slurm, slurm: SlurmOptions(
            partition: "gpu", timeSeconds: 5400, cpusPerTask: 4, mem: "16G", gres: "gpu:1", account: "lab", qos: "normal",
            extraArgs: ["--nodes=1", "--exclusive"]
        )))
        #expect(try read("executor: local").0 == .local)
        #expect(try read("executor: {time: \"1-00:00:00\"}").0?.slurm.timeSeconds == 86_400)
    }

    @Test func anUnknownOptionIsRefusedWithItsKeyAndPlace() throws {
        let (config, problems) = try read("""
            executor:
              type: slurm
              partiton: gpu
            """)
        #expect(config == nil)
        let problem = try #require(problems.first)
        #expect(problem.code == "V018")
        #expect(problem.message == "unknown executor option executor.partiton")
        #expect(problem.line == 3 && problem.column == 3)
        #expect(problem.hint == "did you mean `partition`?")
    }

    @Test(arguments: [
        ("[\"--job-name=x\"]", "--job-name is set by the conductor"),
        ("[\"--partition=x\"]", "--partition is set by the conductor"),
        ("[\"-N 2\"]", "is not a long sbatch option"),
        ("[\"--frobnicate=1\"]", "--frobnicate is not an sbatch option the conductor passes on"),
        ("[\"--nodes=1\\n--wrap=x\"]", "one line"),
    ])
    func extraArgumentsTheConductorCannotPassAreRefused(list: String, message: String) throws {
        let (config, problems) = try read("executor: {type: slurm, extra_args: \(list)}")
        #expect(config == nil)
        #expect(problems.first?.code == "V018")
        #expect(problems.first?.message.hasPrefix("executor.extra_args[0]: ") == true)
        #expect(problems.first?.message.contains(message) == true, "\(problems)")
    }

    @Test(arguments: [
        ("{type: slurm, time: 10}", "V006"), ("{type: slurm, time: soon}", "V006"), ("{type: slurm, time: 400d}", "V005"),
        ("{type: slurm, cpus_per_task: 0}", "V005"), ("{type: slurm, cpus_per_task: many}", "V003"),
        ("{type: slurm, mem: lots}", "V005"), ("{type: slurm, partition: \"a b\"}", "V005"),
        ("{type: slurm, account: \"-x\"}", "V005"), ("{type: local, qos: high}", "V018"), ("cloud", "V005"),
        ("[slurm]", "V003"), ("{type: kubernetes}", "V005"),
    ])
    func badValuesAreRefused(value: String, code: String) throws {
        let (config, problems) = try read("executor: \(value)")
        #expect(config == nil)
        #expect(problems.first?.code == code, "\(problems)")
    }

    @Test func levelsAreWrittenOverEachOther() {
        let conductor = ExecutorConfig(type: .slurm, slurm: SlurmOptions(partition: "debug", cpusPerTask: 1))
        let score = ExecutorConfig(slurm: SlurmOptions(cpusPerTask: 2, mem: "1G"))
        let sheet = ExecutorConfig(slurm: SlurmOptions(mem: "2G"))
        #expect(ExecutorConfig.resolve([conductor, score, nil, sheet]) == .slurm(SlurmOptions(partition: "debug", cpusPerTask: 2, mem: "2G")))
        #expect(ExecutorConfig.resolve([conductor, .local]) == .local)
        #expect(ExecutorConfig.resolve([nil, score]) == .local)
    }

    @Test func aScoreSetsItsExecutorAtEachLevel() throws {
        let loaded = try ScoreLoader.load(yaml: """
            name: levels
            executor: {type: slurm, partition: debug, cpus_per_task: 2}
            movements:
              2: {executor: {cpus_per_task: 8}}
            sheet: {size: 1, total_items: 3, per_sheet_executors: {3: local}}
            prompt: {template: "true"}
            """, baseDirectory: "/tmp")
        let score = loaded.score
        let resolved = loaded.sheets.map { score.executor(for: $0) }
        #expect(resolved == [
            .slurm(SlurmOptions(partition: "debug", cpusPerTask: 2)), .slurm(SlurmOptions(partition: "debug", cpusPerTask: 8)), .local,
        ])
        // The conductor's default applies under a score that says nothing.
        let plain = try ScoreLoader.load(yaml: "name: plain\nprompt: {template: \"true\"}\n", baseDirectory: "/tmp")
        let fallback = ExecutorConfig(type: .slurm, slurm: SlurmOptions(qos: "low"))
        #expect(plain.score.executor(for: plain.sheets[0], fallback: fallback) == .slurm(SlurmOptions(qos: "low")))
        #expect(plain.score.executor(for: plain.sheets[0]) == .local)
    }

    @Test func aBadOptionInAScoreIsRefusedWithItsPlace() throws {
        let (_, problems) = ScoreLoader.check(yaml: """
            name: bad
            movements:
              1:
                executor:
                  type: slurm
                  partiton: debug
            prompt: {template: "true"}
            """, baseDirectory: "/tmp")
        let problem = try #require(problems.first { $0.code == "V018" })
        #expect(problem.message == "unknown executor option movements.1.executor.partiton")
        #expect(problem.line == 6 && problem.column == 7)
    }

    @Test func theConductorsDefaultComesFromConductorYaml() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("conductor.yaml")
        try "executor: {type: slurm, partition: debug}\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try ConductorSettings.load(path: path).executor == ExecutorConfig(type: .slurm, slurm: SlurmOptions(partition: "debug")))
        try "max_concurrent_jobs: 2\nexecutor:\n  type: slurm\n  qoss: high\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            try ConductorSettings.load(path: path)
        } throws: { error in
            "\(error)".contains("V018 line 4, column 3: unknown executor option executor.qoss")
        }
    }
}
