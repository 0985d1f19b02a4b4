import MarianneProtocol

/// Why a call to the conductor failed.
public enum ClientError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Nobody answers on the socket.
    case conductorNotRunning
    /// The conductor does not know the method: it is older than this client.
    case conductorTooOld(method: String)
    /// The conductor answered with an error.
    case rpc(RPCError)
    /// No answer in time.
    case timeout
    /// The connection dropped before the answer was complete.
    case connectionLost
    /// The conductor's answer was not what the protocol says.
    case protocolViolation(String)

    public var description: String {
        switch self {
        case .conductorNotRunning: return "conductor is not running. Start it with: mzt start"
        case .conductorTooOld(let method):
            return "the conductor does not know `\(method)`: it is older than this client; restart it with: mzt restart"
        case .rpc(let error): return error.message
        case .timeout: return "the conductor did not answer in time"
        case .connectionLost: return "the connection to the conductor was lost"
        case .protocolViolation(let detail): return "unexpected answer from the conductor: \(detail)"
        }
    }

    /// Errors after which reconnecting may help.
    public var isConnectionLoss: Bool {
        switch self {
        case .connectionLost, .conductorNotRunning, .timeout: return true
        default: return false
        }
    }
}
