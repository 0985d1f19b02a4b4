import Foundation

/// What one local user can hold of the gateway before proving they have the token, and how
/// much of the conductor's file-descriptor table the gateway may ever use. Each limit can be
/// set through an environment variable of the conductor (Docs/GATEWAY.md, "Limits").
public struct GatewayLimits: Sendable, Equatable {
    /// Connections open at once, authenticated or not; past it the gateway stops accepting
    /// (new connections wait in the kernel's backlog).
    public var maxConnections: Int = 512
    /// Connections that have not yet sent a request with the token, from all peers together.
    public var maxUnauthenticated: Int = 128
    /// The same, from one peer address; one more is closed at once.
    public var maxUnauthenticatedPerPeer: Int = 32
    /// Seconds a connection may stay open before it has sent a request with the token (a
    /// connection that sends nothing, or its request head too slowly, is closed).
    public var headerTimeout: Double = 5
    /// Bytes of request line and headers; a longer head is answered 431 and closed.
    public var maxHeaderBytes: Int = 16 * 1024
    /// File descriptors the gateway leaves free for the socket, checkpoints and jobs: it
    /// accepts nothing while fewer are free.
    public var fdReserve: Int = 256

    public init() {}

    /// The variables, their ranges, and the property each sets.
    static let variables: [(name: String, range: ClosedRange<Double>, set: @Sendable (inout GatewayLimits, Double) -> Void)] = [
        ("MZT_HTTP_MAX_CONNECTIONS", 1...100_000, { $0.maxConnections = Int($1) }),
        ("MZT_HTTP_MAX_UNAUTHENTICATED", 1...100_000, { $0.maxUnauthenticated = Int($1) }),
        ("MZT_HTTP_MAX_UNAUTHENTICATED_PER_PEER", 1...100_000, { $0.maxUnauthenticatedPerPeer = Int($1) }),
        ("MZT_HTTP_HEADER_TIMEOUT", 0.1...3600, { $0.headerTimeout = $1 }),
        ("MZT_HTTP_MAX_HEADER_BYTES", 1024...65_536, { $0.maxHeaderBytes = Int($1) }),
        ("MZT_HTTP_FD_RESERVE", 16...1_000_000, { $0.fdReserve = Int($1) }),
    ]

    /// The defaults, with whatever the environment sets; a value out of range is an error
    /// that names the variable and its range.
    public static func from(environment: [String: String]) throws -> GatewayLimits {
        var limits = GatewayLimits()
        for variable in variables {
            guard let text = environment[variable.name] else { continue }
            let integral = variable.name != "MZT_HTTP_HEADER_TIMEOUT"
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, variable.range.contains(value),
                  !integral || value == value.rounded()
            else {
                let bounds = integral
                    ? "\(Int(variable.range.lowerBound)) to \(Int(variable.range.upperBound))"
                    : "\(variable.range.lowerBound) to \(variable.range.upperBound) seconds"
                throw GatewayStartError(description: "\(variable.name)=\(text) is out of range: give \(integral ? "an integer" : "a number") from \(bounds)")
            }
            variable.set(&limits, value)
        }
        return limits
    }
}
