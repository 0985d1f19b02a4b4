import Foundation
import MarianneTestSupport
import Testing

/// `list`, `status ID`, `conductor-status` and `submit SCORE` are recognised before the argument parser;
/// any other flag (here `--home`, naming the same conductor) takes the parser's path. Both
/// must print the same thing and exit the same way.
struct CLIQuickPathTests {
    @Test func theQuickAndTheParsedPathPrintTheSame() async throws {
        let fx = try await JobFixture()
        #expect(try await CLI.submit(fx, "ok", "true", wait: true).exitCode == 0)
        #expect(try await CLI.submit(fx, "bad", "exit 3", wait: true).exitCode != 0)
        let home = fx.conductor.home
        for words in [["list"], ["list", "--json"], ["status", "ok"], ["status", "bad", "--json"], ["status", "nosuch"]] {
            let quick = try await fx.conductor.run(words)
            let parsed = try await fx.conductor.run(words + ["--home", home])
            #expect(quick.exitCode == parsed.exitCode, "\(words)")
            #expect(quick.stdout == parsed.stdout, "\(words)")
            #expect(quick.stderr == parsed.stderr, "\(words)")
        }
        let status = try await fx.conductor.run(["conductor-status", "--json"])
        #expect(status.exitCode == 0 && status.stdout.contains("\"pid\""))
    }

    /// A submission on either path: the same job, output and exit code, and never sent twice.
    @Test func aQuickSubmitIsTheParsedSubmit() async throws {
        let fx = try await JobFixture()
        let home = fx.conductor.home
        let ok = try CLI.score(fx, "quick-ok", "true")
        let failing = try CLI.score(fx, "quick-bad", "exit 3")
        let invalid = try fx.score("quick-invalid", "name: x\nsheet: {size: 0}\n")
        let cases: [(words: [String], id: String)] = [
            (["submit", ok, "--id", "ID"], "ID"),
            (["submit", ok, "--id=ID", "--wait"], "ID"),
            (["submit", failing, "--id", "ID", "--wait", "--json"], "ID"),
            (["submit", ok, "--id", "ID0"], "ID0"),
            (["submit", invalid, "--id", "ID"], "ID"),
            (["submit", fx.workspace("missing.yaml"), "--id", "ID"], "ID"),
        ]
        for (index, item) in cases.enumerated() {
            func run(_ tag: String, _ extra: [String]) async throws -> CommandResult {
                // ID0 is the id of the first case's job, which exists by then.
                let words = item.words.map {
                    $0 == "ID" ? "\(tag)\(index)" : $0 == "ID0" ? "\(tag)0" : $0.replacingOccurrences(of: "--id=ID", with: "--id=\(tag)\(index)")
                }
                return try await fx.conductor.run(words + extra)
            }
            let quick = try await run("q", [])
            let parsed = try await run("p", ["--home", home])
            let same: (String) -> String = {
                $0.replacingOccurrences(of: "q\(index)", with: "X").replacingOccurrences(of: "p\(index)", with: "X")
                    .replacingOccurrences(of: "q0", with: "X").replacingOccurrences(of: "p0", with: "X")
            }
            #expect(quick.exitCode == parsed.exitCode, "\(item.words)")
            #expect(Self.masked(same(quick.stdout)) == Self.masked(same(parsed.stdout)), "\(item.words)")
            #expect(same(quick.stderr) == same(parsed.stderr), "\(item.words)")
        }
        // Each submission made one job.
        let listed = try await fx.conductor.run(["list", "--all", "--json"])
        #expect(listed.stdout.components(separatedBy: "\"q0\"").count == 2)
    }

    /// Times and pids differ from run to run; the rest of the JSON must not.
    static func masked(_ text: String) -> String {
        text.replacingOccurrences(of: #""(created_at|started_at|finished_at|updated_at|submitted_at|running_seconds|elapsed_seconds|pid)" *: *[^,}\n]+"#, with: "\"$1\": _", options: .regularExpression)
    }
}
