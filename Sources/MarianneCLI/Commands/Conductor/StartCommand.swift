import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt start`: launch the conductor in the background (or, with --foreground, here).
struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start the conductor; returns once it answers.",
        discussion: "Exits 1 if a conductor already runs on this home."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Run the conductor in this terminal instead of the background.")
    var foreground = false

    @Option(help: "Seconds to wait for the conductor to answer.")
    var timeout: Double = 15

    @Option(name: .customLong("http"), help: ArgumentHelp(
        "Also serve the HTTP gateway and status page on HOST:PORT (loopback only unless --http-allow-remote).",
        valueName: "host:port"
    ))
    var http: String?

    @Flag(name: .customLong("http-allow-remote"), help: "Allow --http on an address other machines can reach.")
    var httpAllowRemote = false

    private var conductorArguments: [String] {
        (http.map { ["--http", $0] } ?? []) + (httpAllowRemote ? ["--http-allow-remote"] : [])
    }

    func validate() throws {
        try NumericFlags.seconds(timeout, flag: "--timeout", maximum: 3600)
        try Self.checkHTTP(http, allowRemote: httpAllowRemote)
    }

    /// `--http` is checked before any conductor is started (exit 64).
    static func checkHTTP(_ http: String?, allowRemote: Bool) throws {
        guard let http else {
            if allowRemote { throw ValidationError("--http-allow-remote needs --http HOST:PORT") }
            return
        }
        do {
            _ = try HTTPListenSettings.parse(http, allowRemote: allowRemote)
        } catch {
            throw ValidationError("--http \(http): \(error)")
        }
    }

    func run() async throws {
        let home = global.home
        if httpAllowRemote && http == nil {
            Problem.error("--http-allow-remote needs --http HOST:PORT")
            throw ExitCode(ExitCodes.usage)
        }
        // A conductor that is exiting (killed, or its leader already gone) still holds the
        // lock until its last thread ends: wait for that rather than refuse.
        if let pid = ConductorProcess.runningPid(home: home), ConductorProcess.isExiting(pid) {
            _ = await ConductorProcess.waitUntilGone(pid: pid, home: home, timeout: 10)
        }
        if let pid = ConductorProcess.runningPid(home: home) {
            FileHandle.standardError.write(Data("conductor already running (pid \(pid))\n".utf8))
            throw ExitCode(ExitCodes.failed)
        }
        if foreground { ConductorProcess.execForeground(home: home, arguments: conductorArguments) }
        try FileManager.default.createDirectory(atPath: home.root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let logOffset = (try? FileManager.default.attributesOfItem(atPath: home.logPath)[.size] as? Int) ?? 0
        let pid = try ConductorProcess.spawnDetached(home: home, arguments: conductorArguments)
        let client = DaemonClient(socketPath: home.socketPath, connectTimeout: 1)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let health = try? await client.call(RPCMethods.conductorHealth, Empty(), timeout: 2) {
                if global.json {
                    print(Render.json(health))
                } else {
                    print("conductor started (pid \(health.pid))")
                    if http != nil, let status = try? await client.call(
                        RPCMethods.conductorStatus, Empty(), timeout: 2
                    ), let url = status.httpURL {
                        print("status page: \(url)/  (mzt http-token --url prints a link that logs in)")
                    }
                }
                return
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                let log = Self.logTail(home.logPath, from: logOffset)
                Problem.error("the conductor exited at start:\n\(log)")
                throw ExitCode(ExitCodes.failed)
            }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        Problem.error("the conductor did not answer within \(Int(timeout))s; see \(home.logPath)")
        throw ExitCode(ExitCodes.busy)
    }

    static func logTail(_ path: String, from offset: Int) -> String {
        guard let data = FileManager.default.contents(atPath: path), data.count > offset else { return "(no output)" }
        let text = String(decoding: data[offset...], as: UTF8.self)
        return text.split(separator: "\n").suffix(10).joined(separator: "\n")
    }
}
