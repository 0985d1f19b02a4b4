import Foundation
import MarianneTestSupport
import Testing

/// Job output shown on a terminal cannot drive it: escape sequences and other control
/// characters are made visible. On a pipe the bytes pass unchanged.
@Suite(.serialized)
struct TerminalOutputTests {
    static let score = #"""
        name: esc
        workspace: ./esc-ws
        backend: {type: command, stream_output: true}
        sheet: {size: 1, total_items: 1}
        prompt:
          template: |
            printf 'title \033]0;owned\007 clip \033]52;c;aGk=\007 csi \302\233 done\n'
            printf 'err \033[31mred\033[0m\n' >&2
            exit 3
        """#

    /// Runs `mzt ARGS` with its standard output on a pseudo-terminal (util-linux `script`).
    static func onTerminal(_ fx: JobFixture, _ arguments: String) async throws -> String {
        let command = "\(TestConductor.binary) \(arguments)"
        let result = try await TestConductor.run("/usr/bin/script", ["-qec", command, "/dev/null"], environment: ["MZT_HOME": fx.conductor.home])
        return result.stdout
    }

    static func hasRawControls(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || (0x80...0x9F).contains($0.value) }
    }

    @Test("logs, logs -f, status and submit --follow make a job's escapes visible on a terminal and pass them on a pipe")
    func escapesAreVisibleOnTerminals() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
        let fx = try await JobFixture()
        let path = try fx.score("esc", Self.score)
        #expect(try await fx.mzt("submit", path, "--wait").exitCode == 1)

        // A pipe gets the job's bytes.
        let piped = try await fx.mzt("logs", "esc")
        #expect(piped.stdout.contains("\u{1B}]52;c;aGk=\u{07}"))
        #expect(piped.stdout.contains("\u{9B}"))

        for arguments in ["logs esc", "logs -f esc"] {
            let shown = try await Self.onTerminal(fx, arguments)
            #expect(shown.contains("clip ^[]52;c;aGk=^G"), "\(arguments): \(shown)")
            #expect(shown.contains("title ^[]0;owned^G"))
            #expect(shown.contains("csi \\x9b done"))
            #expect(shown.contains("err ^[[31mred^[[0m"))
            #expect(!Self.hasRawControls(shown), "\(arguments): \(shown.debugDescription)")
        }
        let status = try await Self.onTerminal(fx, "status esc")
        #expect(status.contains("| err ^[[31mred^[[0m"), "\(status)")
        #expect(!Self.hasRawControls(status), "\(status.debugDescription)")

        let json = try await Self.onTerminal(fx, "logs esc --json")
        #expect(json.contains("\\u009b"), "\(json)")
        #expect(!Self.hasRawControls(json), "\(json.debugDescription)")

        let followed = try await Self.onTerminal(fx, "submit \(path) --id esc2 --follow")
        #expect(followed.contains("clip ^[]52;c;aGk=^G"), "\(followed)")
        #expect(followed.contains("esc2 failed"))
        #expect(!Self.hasRawControls(followed), "\(followed.debugDescription)")
    }
}
