import Foundation
import MarianneCore
import MarianneTestSupport
import Testing

/// Another local user against the conductor's owner (the test makes the second user with
/// setpriv, uid 65534): floods of the gateway, forged checkpoints (EngineHardeningTests),
/// and workspace names chosen to break out of a command's quotes.
@Suite(.serialized)
struct TwoUserTests {
    static let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first(where: FileManager.default.isExecutableFile)
    static var possible: Bool { getuid() == 0 && setpriv != nil }

    /// Runs `arguments` as uid 65534.
    static func asOtherUser(_ arguments: [String]) async throws -> CommandResult {
        try await TestConductor.run(setpriv!, ["--reuid", "65534", "--regid", "65534", "--clear-groups"] + arguments, timeout: 60)
    }

    @Test(.enabled(if: possible, "needs root and setpriv"))
    func aWorkspaceNameChosenByAnotherUserCannotRunCommands() async throws {
        let fx = try await JobFixture()
        let shared = fx.dir.file("shared")
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        chmod(fx.dir.path, 0o755)
        chmod(shared, 0o1777)
        // Every quoting context a placeholder can be in, broken out of by the name.
        let name = #"ws-$(touch pwned-a)-`touch pwned-b`-'$(touch pwned-c)'-"$(touch pwned-d)"-;touch pwned-e"#
        let made = try await Self.asOtherUser(["/bin/mkdir", shared + "/" + name])
        #expect(made.exitCode == 0, "\(made.stderr)")
        let workspace = shared + "/" + name + "/job"
        let path = try fx.score("quoted", """
            name: quoted
            prompt: {template: "echo ok > out.txt"}
            backend: {type: command}
            validations:
              - {type: command_succeeds, command: "test -f \\"{workspace}/out.txt\\""}
              - {type: command_succeeds, command: "test -d '{workspace}'"}
              - {type: command_succeeds, command: "cd {workspace} && test -f out.txt"}
            """)
        let result = try await fx.mzt("submit", path, "--workspace", workspace, "--wait")
        #expect(result.exitCode == 0, "\(result.stderr)")
        let everything = (FileManager.default.enumerator(atPath: fx.dir.path)?.allObjects as? [String]) ?? []
        #expect(everything.filter { ($0 as NSString).lastPathComponent.hasPrefix("pwned") }.isEmpty, "a placeholder ran a command: \(everything)")
    }

    @Test(.enabled(if: possible, "needs root and setpriv"))
    func anotherUsersConnectionFloodNeverStopsTheOwner() async throws {
        let fx = try await JobFixture(settings: "http: 127.0.0.1:0\n")
        let status = try await fx.mzt("conductor-status", "--json")
        let url = try #require(status.stdout.split(separator: "\"").first { $0.hasPrefix("http://127.0.0.1:") }.map(String.init))
        let port = try #require(url.split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: CharacterSet(charactersIn: "/"))) })
        let path = try fx.score("steady", """
            name: steady
            workspace: ./steady-ws
            sheet: {size: 1, total_items: 5}
            prompt: {template: "echo {{ sheet_num }} >> ran.txt; sleep 0.2"}
            backend: {type: command}
            """)
        #expect(try await fx.mzt("submit", path).exitCode == 0)
        // 400 idle connections from another user, held for a few seconds.
        let script = """
            import socket, time
            held = []
            for _ in range(400):
                try:
                    s = socket.create_connection(("127.0.0.1", \(port)), timeout=2)
                    held.append(s)
                except OSError:
                    pass
            time.sleep(4)
            print(len(held))
            """
        let flood = Task { try await Self.asOtherUser(["/usr/bin/env", "python3", "-c", script]) }
        try await Task.sleep(for: .seconds(1))
        let started = ContinuousClock.now
        #expect(try await fx.mzt("list").exitCode == 0)
        #expect(ContinuousClock.now - started < .seconds(25), "answered during the flood (the bound leaves room for a loaded machine)")
        let flooded = try await flood.value
        #expect(flooded.exitCode == 0, "\(flooded.stderr)")
        #expect(try await fx.mzt("wait", "steady", "--timeout", "60").exitCode == 0)
        // The gateway still serves its owner afterwards.
        let token = try await fx.mzt("http-token").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let curl = try await TestConductor.run("/usr/bin/env", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer \(token)", url + "/api/jobs"])
        #expect(curl.stdout == "200")
    }
}
