import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient
import MarianneConductor

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

    func run() async throws {
        let home = global.home
        if let pid = Conductor.runningPid(home: home) {
            FileHandle.standardError.write(Data("conductor already running (pid \(pid))\n".utf8))
            throw ExitCode(ExitCodes.failed)
        }
        if foreground { return try await runForeground(home) }
        try FileManager.default.createDirectory(atPath: home.root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let logOffset = (try? FileManager.default.attributesOfItem(atPath: home.logPath)[.size] as? Int) ?? 0
        let pid = try Self.spawnBackground(home: home)
        let client = DaemonClient(socketPath: home.socketPath, connectTimeout: 1)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let health = try? await client.call(RPCMethod.conductorHealth, params: Empty(), as: HealthResult.self, timeout: 2) {
                if global.json {
                    print(Render.json(health))
                } else {
                    print("conductor started (pid \(health.pid))")
                }
                return
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                let log = Self.logTail(home.logPath, from: logOffset)
                FileHandle.standardError.write(Data("Error: the conductor exited at start:\n\(log)\n".utf8))
                throw ExitCode(ExitCodes.failed)
            }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        FileHandle.standardError.write(Data("Error: the conductor did not answer within \(Int(timeout))s; see \(home.logPath)\n".utf8))
        throw ExitCode(ExitCodes.busy)
    }

    private func runForeground(_ home: ConductorHome) async throws {
        let settings: ConductorSettings
        do {
            settings = try ConductorSettings.load(path: home.settingsPath)
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(ExitCodes.invalidInput)
        }
        let conductor = Conductor(home: home, settings: settings, makeJobService: makeJobService)
        do {
            try await conductor.run {
                FileHandle.standardOutput.write(Data("conductor running (pid \(getpid())) on \(home.socketPath)\n".utf8))
            }
        } catch let error as ConductorStartError {
            FileHandle.standardError.write(Data("\(error.kind == .alreadyRunning(pid: 0) ? "" : "Error: ")\(error)\n".utf8))
            throw ExitCode(ExitCodes.failed)
        }
    }

    /// Starts `mzt start --foreground` from this executable in a new session, detached from
    /// the terminal, its output appended to conductor.log.
    static func spawnBackground(home: ConductorHome) throws -> Int32 {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var environment = ProcessInfo.processInfo.environment
        environment["MZT_HOME"] = home.root
        return try DetachedSpawn.start(
            executable: executable, arguments: ["start", "--foreground", "--home", home.root], environment: environment, logPath: home.logPath
        )
    }

    static func logTail(_ path: String, from offset: Int) -> String {
        guard let data = FileManager.default.contents(atPath: path), data.count > offset else { return "(no output)" }
        let text = String(decoding: data[offset...], as: UTF8.self)
        return text.split(separator: "\n").suffix(10).joined(separator: "\n")
    }
}
