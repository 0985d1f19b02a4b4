import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient
import MarianneCore

/// `mzt module install|list`.
struct ModuleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "module",
        abstract: "Install and list modules.",
        subcommands: [ModuleInstallCommand.self, ModuleListCommand.self]
    )
}

struct ModuleInstallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Validate a module folder (module.json + entrypoint) and install it into the conductor's home."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The module folder.") var path: String

    func run() async throws {
        let absolute = path.absolutePath(relativeTo: FileManager.default.currentDirectoryPath)
        try await global.withClient { client in
            let info = try await client.call(RPCMethod.moduleInstall, params: ModuleInstallParams(path: absolute), as: ModuleInfo.self)
            print(global.json ? Render.json(info) : "installed \(info.id) \(info.version)")
        }
    }
}

struct ModuleListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the modules the conductor can run.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await global.withClient { client in
            let result = try await client.call(RPCMethod.moduleList, params: Empty(), as: ModuleListResult.self)
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

/// `mzt run MODULE_ID`: start a module job.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Start a job that runs a module.",
        discussion: "Values are checked against the module's declared inputs and settings before anything runs."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The module id.") var moduleID: String
    @Option(name: .customLong("input"), help: "An input, as name=value (repeatable).") var inputs: [String] = []
    @Option(name: .customLong("setting"), help: "A setting, as name=value (repeatable).") var settings: [String] = []
    @Option(name: .customLong("max-duration"), help: "Stop the job after this long, e.g. 2h.") var maxDuration: String?
    @Option(help: "Job id (default: the module id).") var id: String?
    @Flag(help: "Stream the job's log until it ends; exit 0 if it completed.") var follow = false

    func run() async throws {
        let params = StartModuleParams(
            moduleID: moduleID, inputs: try Self.pairs(inputs, flag: "--input"), settings: try Self.pairs(settings, flag: "--setting"),
            maxDuration: maxDuration, id: id
        )
        try await global.withClient { client in
            let result = try await client.call(RPCMethod.jobStart, params: params, as: SubmitResult.self)
            guard follow else {
                print(global.json ? Render.json(result) : result.jobID)
                return
            }
            if !global.json { print("\(result.jobID) started") }
            let logs = try await LogPrinter.follow(client: client, params: LogsParams(jobID: result.jobID, follow: true), json: global.json)
            if !global.json { print("\(result.jobID) \(logs.status.rawValue)" + (logs.error.map { ": \($0)" } ?? "")) }
            if logs.status != .completed { throw ExitCode(ExitCodes.failed) }
        }
    }

    static func pairs(_ items: [String], flag: String) throws -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for item in items {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw ValidationError("\(flag) takes name=value, got \"\(item)\"")
            }
            result[String(item[..<equals])] = .string(String(item[item.index(after: equals)...]))
        }
        return result
    }
}
