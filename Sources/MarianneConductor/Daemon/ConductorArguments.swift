/// The conductor process's command line, checked before anything starts:
/// `mzt-conductor [--home DIR] [--http HOST:PORT [--http-allow-remote]] [--check-config]`.
///
/// `mzt start` writes these arguments; a person typing them gets an error naming the one it
/// does not know, instead of a conductor started with the argument ignored.
public struct ConductorArguments: Equatable, Sendable {
    /// The usage line printed by `--help` and after an error.
    public static let usage =
        "usage: mzt-conductor [--home DIR] [--http HOST:PORT [--http-allow-remote]] [--check-config]\n"
        + "The conductor is usually started with `mzt start` (`mzt start --foreground` keeps it in the terminal)."

    /// `--home DIR`: the conductor's home (otherwise `$MZT_HOME`, else `~/.marianne`).
    public var home: String?
    /// `--http HOST:PORT`: serve the HTTP gateway on this address.
    public var http: String?
    /// `--http-allow-remote`: let `--http` listen on an address that is not loopback.
    public var httpAllowRemote = false
    /// `--check-config`: report on the settings as JSON and exit.
    public var checkConfig = false
    /// `--help` or `-h`: print the usage and exit.
    public var help = false

    /// No arguments: the home from the environment, no gateway.
    public init() {}

    /// Why a command line was refused.
    public struct Refusal: Error, CustomStringConvertible, Equatable {
        /// What was wrong, in one sentence.
        public let message: String
        public var description: String { "\(message)\n\(ConductorArguments.usage)" }
    }

    /// Reads `arguments` (without the program's name).
    public static func parse(_ arguments: [String]) throws(Refusal) -> ConductorArguments {
        var parsed = ConductorArguments()
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--home": parsed.home = try value(of: argument, from: &rest)
            case "--http": parsed.http = try value(of: argument, from: &rest)
            case "--http-allow-remote": parsed.httpAllowRemote = true
            case "--check-config": parsed.checkConfig = true
            case "--help", "-h": parsed.help = true
            default: throw Refusal(message: "Error: unknown argument '\(argument)'.")
            }
        }
        return parsed
    }

    private static func value(of option: String, from rest: inout ArraySlice<String>) throws(Refusal) -> String {
        guard let value = rest.popFirst(), !value.hasPrefix("--") else {
            throw Refusal(message: "Error: \(option) needs a value.")
        }
        return value
    }
}
