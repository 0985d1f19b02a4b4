import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// Options every command that talks to the conductor takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("home"), help: "The conductor's home (default: $MZT_HOME, else ~/.marianne).", completion: .directory)
    var homePath: String?

    @Flag(help: "Machine-readable JSON output.")
    var json = false

    var home: ConductorHome { ConductorHome.resolve(explicit: homePath) }

    var client: DaemonClient { DaemonClient(socketPath: home.socketPath) }

    /// The same values, free of the argument parser (what `QuickCommands` builds itself).
    var context: ClientContext { ClientContext(homePath: homePath, json: json) }

    /// Runs `body` with a client; turns failures into a message on stderr and the documented
    /// exit code.
    func withClient(_ body: (DaemonClient) async throws -> Void) async throws {
        try await context.withClient(body)
    }

    static func fail(_ error: ClientError, json: Bool) -> ExitCode {
        var message = "\(Palette.stderr.errorLabel) \(error)"
        var code = ExitCodes.failed
        switch error {
        case .conductorNotRunning: code = ExitCodes.conductorNotRunning
        case .conductorTooOld: code = ExitCodes.failed
        case .timeout: code = ExitCodes.busy
        case .connectionLost, .protocolViolation: code = ExitCodes.failed
        case .rpc(let rpc):
            switch rpc.knownCode {
            case .invalidScore, .invalidParams: code = ExitCodes.invalidInput
            case .shuttingDown, .resourcesExhausted: code = ExitCodes.busy
            case .workspaceInvalid: code = ExitCodes.cannotRead
            default: code = ExitCodes.failed
            }
            for line in Self.details(rpc.data) { message += "\n  \(line)" }
        }
        if json {
            var object: [String: JSONValue] = ["message": .string(error.description), "exit_code": .int(Int(code))]
            if case .rpc(let rpc) = error {
                object["code"] = .int(rpc.code)
                if let data = rpc.data { object["data"] = data }
            }
            print(Render.json(JSONValue.object(["error": .object(object)])))
        }
        FileHandle.standardError.write(Data((message + "\n").utf8))
        return ExitCode(code)
    }

    /// One line per problem in an error's `data` (score problems, input problems).
    static func details(_ data: JSONValue?) -> [String] {
        guard case .array(let items)? = data else { return [] }
        return items.map { item in
            if case .string(let text) = item { return text }
            let code = item["code"]?.stringValue ?? ""
            let line = item["line"]?.intValue.map { "line \($0)" + (item["column"]?.intValue.map { ", column \($0)" } ?? "") + ": " } ?? ""
            let hint = item["hint"]?.stringValue.map { " (\($0))" } ?? ""
            return "\(code) \(line)\(item["message"]?.stringValue ?? "")\(hint)"
        }
    }
}

/// The conductor a command talks to and whether it prints JSON.
struct ClientContext {
    var homePath: String?
    var json: Bool

    var home: ConductorHome { ConductorHome.resolve(explicit: homePath) }

    /// Runs `body` with a client; turns failures into a message on stderr and the documented
    /// exit code.
    func withClient(_ body: (DaemonClient) async throws -> Void) async throws {
        do {
            try await body(DaemonClient(socketPath: home.socketPath))
        } catch let error as ClientError {
            throw GlobalOptions.fail(error, json: json)
        }
    }

    /// The same for a body that does not suspend (it calls `DaemonClient.callNow`).
    func withClientNow(_ body: (DaemonClient) throws -> Void) throws {
        do {
            try body(DaemonClient(socketPath: home.socketPath))
        } catch let error as ClientError {
            throw GlobalOptions.fail(error, json: json)
        }
    }
}
