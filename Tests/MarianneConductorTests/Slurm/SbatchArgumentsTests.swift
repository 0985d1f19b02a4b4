import Foundation
import MarianneCore
import MarianneTestSupport
import Testing
@testable import MarianneConductor

/// What is handed to sbatch: one argv item per option, nothing a shell would read.
struct SbatchArgumentsTests {
    let identity = SlurmIdentity(name: "mzt.j.1.1.abc", comment: "marianne home=1 job=j sheet=1 attempt=1 token=abc")
    let files = SbatchArguments.Files(workingDirectory: "/w s", stdout: "/w s/100%.out", stderr: "/w s/e.err", script: "/w s/s.sh")

    @Test func everyOptionIsOneArgumentAndTheScriptComesLast() {
        let options = SlurmOptions(
            partition: "gpu,debug", cpusPerTask: 4, mem: "4G", gres: "gpu:a100:1", account: "lab", qos: "high",
            extraArgs: ["--constraint=a&b|c", "--exclusive"]
        )
        let arguments = SbatchArguments.make(options: options, identity: identity, files: files, timeout: nil, grace: 5)
        #expect(arguments.first == "--job-name=mzt.j.1.1.abc")
        #expect(arguments.contains("--comment=marianne home=1 job=j sheet=1 attempt=1 token=abc"))
        #expect(arguments.contains("--chdir=/w s"))
        #expect(arguments.contains("--output=/w s/100%%.out"))
        #expect(arguments.contains("--no-requeue"))
        for expected in ["--partition=gpu,debug", "--cpus-per-task=4", "--mem=4G", "--gres=gpu:a100:1", "--account=lab", "--qos=high", "--constraint=a&b|c", "--exclusive"] {
            #expect(arguments.contains(expected), "\(expected) missing")
        }
        #expect(!arguments.contains { $0.hasPrefix("--time") })
        #expect(arguments.last == "/w s/s.sh")
    }

    @Test func theTimeLimitFollowsTheSheetTimeoutUnlessSet() {
        let derived = SbatchArguments.make(options: SlurmOptions(), identity: identity, files: files, timeout: 90, grace: 5)
        #expect(derived.contains("--time=00:03:00"))
        let set = SbatchArguments.make(options: SlurmOptions(timeSeconds: 90_000), identity: identity, files: files, timeout: 90, grace: 5)
        #expect(set.contains("--time=1-01:00:00"))
        #expect(SlurmTime.format(1) == "00:01:00")
        #expect(SlurmTime.format(3600) == "01:00:00")
    }

    @Test func theJobDoesNotCarryTheMarkerOfLeftoverProcesses() {
        let environment = SbatchArguments.environment(["MZT_CONDUCTOR": "/home", "MZT_JOB_ID": "j", "PATH": "/bin"])
        #expect(environment == ["MZT_JOB_ID": "j", "PATH": "/bin"])
    }

    @Test func theBatchScriptRunsTheCommandWithItsArgumentsUnchanged() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let tricky = ["it's", "a \"quoted\" $HOME `x`", "two\nlines", "; rm -rf /", ""]
        let text = SlurmBatchScript.text(executable: "/usr/bin/printf", arguments: ["[%s]\\n"] + tricky, stdin: nil, jobID: "j", sheet: 1, attempt: 1, comment: "c")
        let (script, _) = try SlurmBatchScript.write(text, stdin: nil, workspace: dir.path, jobID: "j", sheet: 1, attempt: 1)
        let result = try await TestConductor.run("/bin/bash", [script])
        #expect(result.exitCode == 0)
        #expect(result.stdout == tricky.map { "[\($0)]\n" }.joined())
    }

    @Test func aLongPromptReachesTheCommandThroughItsStdinFile() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let input = SlurmBatchScript.path(workspace: dir.path, jobID: "j", sheet: 2, attempt: 1, suffix: "in")
        let text = SlurmBatchScript.text(executable: "/bin/cat", arguments: [], stdin: input, jobID: "j", sheet: 2, attempt: 1, comment: "c")
        let (script, written) = try SlurmBatchScript.write(text, stdin: Array("prompt text".utf8), workspace: dir.path, jobID: "j", sheet: 2, attempt: 1)
        #expect(written == input)
        #expect(try await TestConductor.run("/bin/bash", [script]).stdout == "prompt text")
    }
}
