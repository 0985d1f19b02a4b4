import ArgumentParser
import Foundation
import MarianneClient
import MarianneProtocol

/// `mzt restart`: stop (if running), then start.
struct RestartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart", abstract: "Stop the conductor if it runs, then start it.",
        discussion: "A running HTTP gateway is started again on the same address unless --http says otherwise."
    )

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Do not ask for confirmation when jobs are running.") var yes = false
    @Option(name: .customLong("http"), help: ArgumentHelp("Serve the HTTP gateway on HOST:PORT.", valueName: "host:port")) var http: String?
    @Flag(name: .customLong("http-allow-remote"), help: "Allow --http on an address other machines can reach.") var httpAllowRemote = false

    func validate() throws {
        try StartCommand.checkHTTP(http, allowRemote: httpAllowRemote)
    }

    func run() async throws {
        if httpAllowRemote && self.http == nil {
            Problem.error("--http-allow-remote needs --http HOST:PORT")
            throw ExitCode(ExitCodes.usage)
        }
        var http = self.http.map { ["--http", $0] + (httpAllowRemote ? ["--http-allow-remote"] : []) } ?? []
        // A conductor.yaml the new conductor would refuse stops nothing.
        guard let report = ConfigReport.check(home: global.home, http: http) else { throw ExitCode(ExitCodes.failed) }
        for warning in report.warnings { Problem.warning(warning) }
        guard report.valid else {
            Problem.error("\(report.error ?? "the settings are invalid"); the conductor was not stopped (fix it, then mzt restart)")
            throw ExitCode(ExitCodes.invalidInput)
        }
        if ConductorProcess.runningPid(home: global.home) != nil {
            if http.isEmpty, let status = try? await global.client.call(RPCMethods.conductorStatus, Empty(), timeout: 2),
               let url = status.httpURL {
                let address = String(url.dropFirst("http://".count))
                let loopback = (try? HTTPListenSettings.parse(address, allowRemote: true))?.isLoopback ?? false
                http = ["--http", address] + (loopback ? [] : ["--http-allow-remote"])
            }
            try await StopCommand.stop(global: global, force: false, yes: yes, grace: nil)
        }
        let start = try StartCommand.parse(["--home", global.home.root] + (global.json ? ["--json"] : []) + http)
        try await start.run()
    }
}
