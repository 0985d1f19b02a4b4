import ArgumentParser
import Foundation
import MarianneClient
import MarianneProtocol

/// `mzt http-token`: print the HTTP gateway's bearer token (or a link that logs a browser in).
struct HTTPTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http-token",
        abstract: "Print the HTTP gateway's bearer token.",
        discussion: """
            The token is created the first time the conductor starts with --http and kept in \
            MZT_HOME/http.token (0600). Send it as 'Authorization: Bearer TOKEN'. With --url, \
            print the status page link that logs a browser in (needs a running gateway).
            Exits 66 when there is no token yet, 69 (--url) when the conductor is not running.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the status page URL with the token, for a browser.")
    var url = false

    func run() async throws {
        let home = global.home
        guard let data = FileManager.default.contents(atPath: home.httpTokenPath) else {
            Problem.error("no token in \(home.httpTokenPath) yet; start the conductor with --http HOST:PORT once")
            throw ExitCode(ExitCodes.cannotRead)
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        var link: String?
        if url {
            try await global.withClient { client in
                let status = try await client.call(RPCMethods.conductorStatus, Empty())
                guard let base = status.httpURL else {
                    Problem.error("the conductor runs without the HTTP gateway; restart it with mzt start --http HOST:PORT")
                    throw ExitCode(ExitCodes.failed)
                }
                link = "\(base)/?token=\(token)"
            }
        }
        if global.json {
            var object: [String: JSONValue] = ["token": .string(token), "path": .string(home.httpTokenPath)]
            if let link { object["url"] = .string(link) }
            print(Render.json(JSONValue.object(object)))
        } else {
            print(link ?? token)
        }
    }
}
