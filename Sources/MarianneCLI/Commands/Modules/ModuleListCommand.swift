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
                print(Self.render(rows, width: Terminal.width))
            }
        }
    }

    /// The table; on a terminal, descriptions wrap between words under their column.
    static func render(_ rows: [[String]], width: Int?) -> String {
        let header = ["ID", "VERSION", "KIND", "INPUTS", "DESCRIPTION"]
        guard let width else { return Render.table(header, rows) }
        let indent = (0..<4).map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }.reduce(0, +) + 8
        guard width - indent >= 20 else { return Render.table(header, rows) }
        var lines = Render.table(header, rows.map { Array($0.prefix(4)) + [""] }).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (index, row) in rows.enumerated() {
            let wrapped = TextWrap.wrap(row[4], width: width - indent)
            let pad = String(repeating: " ", count: indent)
            let base = lines[index + 1].padding(toLength: indent, withPad: " ", startingAt: 0)
            lines[index + 1] = ([base + (wrapped.first ?? "")] + wrapped.dropFirst().map { pad + $0 }).joined(separator: "\n")
        }
        return lines.joined(separator: "\n")
    }
}
