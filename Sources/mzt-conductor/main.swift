import CMarianneShims
import Foundation
import MarianneConductor
import MarianneGateway
import MarianneProtocol

// The conductor process. `mzt start` runs it in the background; `mzt start --foreground`
// runs it in the terminal. Usage: mzt-conductor [--home DIR] [--http HOST:PORT [--http-allow-remote]] [--check-config]

func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(code)
}

let arguments: ConductorArguments
do {
    arguments = try ConductorArguments.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    fail(error.description, code: 64)
}
if arguments.help {
    print(ConductorArguments.usage)
    exit(0)
}

// One malloc arena per processor (at least two), instead of glibc's eight per processor:
// the dispatch threads that come and go under load each filled an arena of their own and
// left it fragmented, which kept about 480 bytes per finished job resident (250 with this).
_ = marianne_limit_malloc_arenas(Int32(max(2, ProcessInfo.processInfo.activeProcessorCount)))

// Descriptors: the soft limit is raised to the hard one, so sockets, checkpoints and jobs
// have the room the system allows (the gateway keeps a reserve of it free).
var descriptors = rlimit()
if getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &descriptors) == 0, descriptors.rlim_cur < descriptors.rlim_max {
    descriptors.rlim_cur = descriptors.rlim_max
    _ = setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &descriptors)
}
let home = ConductorHome.resolve(explicit: arguments.home)

// `--check-config`: report on conductor.yaml (and --http) as JSON without starting anything.
if arguments.checkConfig {
    let report = SettingsReport.check(path: home.settingsPath, http: arguments.http, allowRemote: arguments.httpAllowRemote)
    print(report.json)
    exit(report.code)
}

var settings: ConductorSettings
do {
    settings = try ConductorSettings.load(path: home.settingsPath)
} catch {
    fail("Error: \(error)", code: 65)
}
if let listen = arguments.http {
    do {
        settings.http = try HTTPListenSettings.parse(listen, allowRemote: arguments.httpAllowRemote)
    } catch {
        fail("Error: \(error)", code: 64)
    }
}
var makeFrontend: (@Sendable (ConductorEnvironment, MethodTable) async throws -> any ConductorFrontend)?
if let listen = settings.http {
    let limits: GatewayLimits
    do {
        limits = try GatewayLimits.from(environment: ProcessInfo.processInfo.environment)
    } catch {
        fail("Error: \(error)", code: 64)
    }
    makeFrontend = { environment, router in
        try await Gateway.start(
            listen: listen, home: environment.home, router: router, logger: environment.logger,
            maxBodyBytes: environment.settings.maxMessageBytes, limits: limits
        )
    }
}
let conductor = Conductor(
    home: home, settings: settings,
    makeJobEngine: { environment in try JobScheduler(environment: environment) },
    makeFrontend: makeFrontend
)
do {
    try await conductor.run {
        FileHandle.standardOutput.write(Data("conductor running (pid \(getpid())) on \(home.socketPath)\n".utf8))
    }
} catch let error as ConductorStartError {
    if case .alreadyRunning = error.kind { fail("\(error)", code: 1) }
    fail("Error: \(error)", code: 1)
} catch {
    fail("Error: the conductor stopped: \(error)", code: 1)
}
