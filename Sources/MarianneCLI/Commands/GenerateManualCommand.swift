import ArgumentParser
import Foundation

/// `mzt generate-manual`: prints `mzt.1` (hidden; `make man` and `make install` use it).
struct GenerateManualCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-manual", abstract: "Print the manual page mzt.1, generated from the commands.", shouldDisplay: false
    )

    func run() throws {
        guard let page = ManualPage.render(dump: MZT._dumpHelp()) else {
            Problem.error("the commands' description cannot be read")
            throw ExitCode(ExitCodes.failed)
        }
        print(page, terminator: "")
    }
}
