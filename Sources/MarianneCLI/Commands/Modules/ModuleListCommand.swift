import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient
import MarianneCore

struct ModuleListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the modules the conductor can run.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await global.withClient { client in
            let result = try await client.call(RPCMethods.moduleList, Empty())
            if global.json {
                print(Render.json(result))
            } else if result.modules.isEmpty {
                print("no modules; install one with: mzt module install PATH")
            } else {
                let rows = result.modules.map { module in
                    [module.id, module.version, module.kind, module.inputs.keys.sorted().joined(separator: ","), module.description ?? ""]
                }
                print(Render.table(["ID", "VERSION", "KIND", "INPUTS", "DESCRIPTION"], rows))
            }
        }
    }
}
