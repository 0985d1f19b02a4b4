import Foundation
import MarianneTestSupport
import Testing

/// On a terminal: colour for statuses and errors (never with NO_COLOR, never on a pipe),
/// long ids shortened to fit, text wrapped between words.
@Suite(.serialized)
struct CLITerminalTests {
    @Test func coloursOnATerminalOnlyAndNeverWithNoColor() async throws {
        guard CLI.hasScript else { return }
        let fx = try await JobFixture()
        #expect(try await CLI.submit(fx, "green", "true", wait: true).exitCode == 0)
        #expect(try await CLI.submit(fx, "red", "false", wait: true).exitCode == 1)
        // (NO_COLOR may be set where the tests run: an empty value allows colour.)
        let coloured = try await CLI.onTerminal(fx.conductor.home, "list", environment: ["NO_COLOR": ""])
        #expect(coloured.stdout.contains("\u{1B}[32mcompleted"), "\(coloured.stdout.debugDescription)")
        #expect(coloured.stdout.contains("\u{1B}[31mfailed"))
        let plain = try await CLI.onTerminal(fx.conductor.home, "list", environment: ["NO_COLOR": "1"])
        #expect(!plain.stdout.contains("\u{1B}["), "\(plain.stdout.debugDescription)")
        let piped = try await fx.mzt("list")
        #expect(!piped.stdout.contains("\u{1B}["))
        let error = try await CLI.onTerminal(fx.conductor.home, "status nosuch", environment: ["NO_COLOR": ""])
        #expect(error.stdout.contains("\u{1B}[1;31mError:"), "\(error.stdout.debugDescription)")
    }

    @Test func longIDsAreShortenedToFitButWholeWhenWideOrPiped() async throws {
        guard CLI.hasScript else { return }
        let fx = try await JobFixture()
        let long = String(repeating: "a", count: 59) + "-tail"
        #expect(try await CLI.submit(fx, long, "true", wait: true).exitCode == 0)
        #expect(try await CLI.submit(fx, "short", "true", wait: true).exitCode == 0)
        let shown = try await CLI.onTerminal(fx.conductor.home, "list", environment: ["COLUMNS": "80", "NO_COLOR": "1"])
        let rows = shown.stdout.components(separatedBy: .newlines).filter { !$0.isEmpty }
        #expect(rows.allSatisfy { $0.count <= 80 }, "\(rows)")
        #expect(shown.stdout.contains("…"))
        #expect(!shown.stdout.contains(long))
        let wide = try await CLI.onTerminal(fx.conductor.home, "list --wide", environment: ["COLUMNS": "80", "NO_COLOR": "1"])
        #expect(wide.stdout.contains(long))
        #expect(try await fx.mzt("list").stdout.contains(long))
        #expect(try await fx.mzt("list", "--json").stdout.contains(long))
    }

    @Test func theStopPromptWrapsBetweenWords() async throws {
        guard CLI.hasScript else { return }
        let fx = try await JobFixture()
        #expect(try await CLI.submit(fx, "busy", "sleep 30").exitCode == 0)
        try await fx.waitForStatus("busy") { $0.job.status == .running }
        let asked = try await CLI.onTerminal(fx.conductor.home, "stop", environment: ["COLUMNS": "60"], input: "n\n")
        #expect(asked.stdout.contains("not stopped"), "\(asked.stdout)")
        let lines = asked.stdout.components(separatedBy: .newlines).filter { !$0.isEmpty }
        let first = try #require(lines.firstIndex { $0.contains("job is running") })
        let last = try #require(lines.firstIndex { $0.contains("Stop? [y/N]") })
        let prompt = lines[first...last].map { $0.replacingOccurrences(of: " not stopped", with: "") }
        #expect(prompt.count >= 2, "\(lines)")
        #expect(prompt.allSatisfy { $0.count <= 60 }, "\(prompt)")
        #expect(prompt.allSatisfy { !$0.hasPrefix(" ") })
        #expect(try await fx.mzt("cancel", "busy").exitCode == 0)
    }
}
