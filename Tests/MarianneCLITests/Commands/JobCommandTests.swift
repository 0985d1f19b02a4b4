import Foundation
@testable import MarianneCLI
import MarianneCore
import MarianneProtocol
import Testing

/// The pieces of the job commands that need no conductor.
struct JobCommandTests {
    @Test func shellQuotingReadsBackAsTyped() throws {
        #expect(ShellQuote.quote("plain-word_1.txt") == "plain-word_1.txt")
        #expect(ShellQuote.quote("two words") == "'two words'")
        #expect(ShellQuote.quote("it's") == "'it'\\''s'")
        #expect(ShellQuote.quote("") == "''")
        #expect(AddCommand.commandLine(["echo", "a b", "$x"]) == "echo 'a b' '$x'")
        #expect(AddCommand.commandLine(["make && make test"]) == "make && make test")
    }

    @Test func addNamesJobsAfterTheirCommand() {
        #expect(AddCommand.name(for: ["/usr/bin/make", "all"]) == "make")
        #expect(AddCommand.name(for: ["echo hi && true"]) == "echo")
        #expect(AddCommand.name(for: ["./.hidden"]) == "hidden")
        #expect(AddCommand.name(for: ["!!"]) == "command")
    }

    @Test func theScoreOfAnAddedCommandValidatesAndKeepsTheCommand() throws {
        let command = "printf '%s' '{{ x }}' \"${#arr[@]}\" {% raw %}"
        let yaml = AddCommand.score(name: "job", command: command, workspace: "/tmp/ws", timeout: nil)
        let loaded = try ScoreLoader.load(yaml: yaml, baseDirectory: "/tmp")
        #expect(loaded.sheets.count == 1)
        #expect(loaded.score.prompt.variables["command"] == .string(command))
    }

    @Test func emptyListingsSayWhatTheyLack() {
        #expect(ListCommand.nothing(status: [.running], name: nil, all: false) == "no running jobs")
        #expect(ListCommand.nothing(status: [], name: "x", all: true) == "no jobs matching \"x\"")
        #expect(ListCommand.nothing(status: [], name: nil, all: false).hasPrefix("no recent jobs"))
    }

    @Test func aSheetWaitingAgainHasNoGrowingDuration() {
        let start = Date(timeIntervalSince1970: 1000)
        let now = Date(timeIntervalSince1970: 5000)
        func sheet(_ status: SheetStatus, finished: Date?) -> SheetSummary {
            SheetSummary(number: 1, status: status, attempts: 1, startedAt: start, finishedAt: finished, exitCode: nil, signal: nil,
                         error: nil, stderrTail: nil, dependencies: [])
        }
        #expect(JobStatusView.sheetDuration(sheet(.pending, finished: nil), now: now) == nil)
        #expect(JobStatusView.sheetDuration(sheet(.running, finished: nil), now: now) == 4000)
        #expect(JobStatusView.sheetDuration(sheet(.failed, finished: start.addingTimeInterval(5)), now: now) == 5)
    }

    @Test func attemptsAreReadFromTheLog() {
        let t = Date()
        let entries = [
            "sheet 1 started (attempt 1)", "sheet 1 attempt 1 failed: exit code 3", "sheet 1 started (attempt 2)",
            "sheet 1 attempt 2 failed: exit code 3", "sheet 1 failed after 2 attempt(s): exit code 3",
            "sheet 2 started (attempt 1)", "sheet 2 completed (attempt 1, exit code 0)",
        ].enumerated().map { LogEntry(seq: $0.offset + 1, timestamp: t, level: "INFO", message: $0.element) }
        let records = AttemptHistory.records(entries)
        #expect(records.map(\.outcome) == ["failed", "failed", "completed"])
        #expect(records.map(\.errorType) == ["transient", "permanent", nil])
        #expect(records[0].error == "exit code 3")
    }

    @Test func unknownCommandsAreNamedWithTheClosestOne() {
        #expect(CommandNames.problem(["rerun", "x"]) == "unknown command 'rerun'; did you mean 'run'? (mzt --help lists the commands)")
        #expect(CommandNames.problem(["help", "nosuch"])?.contains("unknown command 'nosuch'") == true)
        #expect(CommandNames.problem(["help", "submit"]) == nil)
        #expect(CommandNames.problem(["status", "x"]) == nil)
        #expect(CommandNames.problem(["--version"]) == nil)
        #expect(CommandNames.problem(["---completion", "status"]) == nil)
    }

    @Test func theManualHasASectionPerCommand() throws {
        let page = try #require(ManualPage.render(dump: MZT._dumpHelp()))
        #expect(page.contains(".SS group add\n.B mzt group add"))
        #expect(page.contains(".SS logs\n"))
        #expect(!page.contains(".SS generate-manual"))
        #expect(ManualPage.escape(".dot and -dash") == "\\&.dot and -dash")
        #expect(ManualPage.escape("a-b") == "a\\-b")
    }

    @Test func typosInMembersOfKnownMappings() throws {
        let yaml = """
            name: t
            workspace: ./w
            sheet: {size: 1, total_items: 1}
            prompt:
              template: "user.zzz {{ user.nam }} {{ other.user.q }}"
              variables:
                user: {name: a}
                other: {user: {q: 1}}
            """
        let (loaded, _) = ScoreLoader.check(yaml: yaml, baseDirectory: "/tmp")
        let problems = TemplateTypos.check(try #require(loaded))
        #expect(problems.map(\.message) == ["the template uses user.nam, but the mapping user has no key 'nam'"])
        #expect(problems.first?.hint == "did you mean `user.name`?")
        #expect(problems.first?.line == 5)
    }
}
