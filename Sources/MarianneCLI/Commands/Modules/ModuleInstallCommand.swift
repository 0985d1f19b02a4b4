import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient
import MarianneCore

struct ModuleInstallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Validate a module folder (module.json + entrypoint) and install it into the conductor's home."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The module folder.", completion: .directory) var path: String

    func run() async throws {
        let absolute = path.absolutePath(relativeTo: FileManager.default.currentDirectoryPath)
        try await global.withClient { client in
            let info = try await client.call(RPCMethods.moduleInstall, ModuleInstallParams(path: absolute))
            print(global.json ? Render.json(info) : "installed \(info.id) \(info.version)")
        }
    }
}
