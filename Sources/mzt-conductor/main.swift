import Foundation
import MarianneConductor
import MarianneProtocol

// The conductor process. `mzt start` runs it in the background; `mzt start --foreground`
// runs it in the terminal. Usage: mzt-conductor [--home DIR]

let arguments = CommandLine.arguments
let explicitHome = arguments.firstIndex(of: "--home").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
let home = ConductorHome.resolve(explicit: explicitHome)

func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(code)
}

let settings: ConductorSettings
do {
    settings = try ConductorSettings.load(path: home.settingsPath)
} catch {
    fail("Error: \(error)", code: 65)
}
let conductor = Conductor(home: home, settings: settings) { environment in
    try JobScheduler(environment: environment)
}
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
