import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore

/// Hummingbird's HTTP/1 + WebSocket channel with the gateway's connection rules around it:
/// every connection is admitted by the `ConnectionTable` (or closed at once) and guarded by a
/// `ConnectionGuard` (which also turns the 400 of a WebSocket upgrade refused for want of
/// the token into a 401).
struct GatewayChannel: ServerChildChannel {
    struct Value: ServerChildChannelValue {
        let channel: any Channel
        /// nil for a refused connection, which is already being closed.
        let upgrade: HTTP1WebSocketUpgradeChannel.Value?
    }

    let inner: HTTP1WebSocketUpgradeChannel
    let table: ConnectionTable

    static func builder(webSocketRouter: Hummingbird.Router<GatewayContext>, configuration: HTTP1WebSocketUpgradeChannel.Configuration, table: ConnectionTable) -> HTTPServerBuilder {
        let webSocketResponder = webSocketRouter.buildResponder()
        return HTTPServerBuilder { responder in
            GatewayChannel(
                inner: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder, configuration: configuration),
                table: table
            )
        }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let table = self.table
        switch table.admit(channel) {
        case .refused(let reason):
            logger.debug("gateway connection refused", metadata: ["reason": "\(reason)"])
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ConnectionGuard(table: table, record: nil))
                return Value(channel: channel, upgrade: nil)
            }
        case .admitted(let record):
            channel.closeFuture.whenComplete { _ in table.closed(channel) }
            return inner.setup(channel: channel, logger: logger).flatMapThrowing { upgrade in
                try channel.pipeline.syncOperations.addHandler(ConnectionGuard(table: table, record: record), position: .first)
                return Value(channel: channel, upgrade: upgrade)
            }
        }
    }

    /// Hummingbird logs an error for every connection closed before its first request; the
    /// guard closes such connections on purpose (a flood of them must not fill the log), so
    /// connection-level messages are kept to critical ones.
    func handle(value: Value, logger: Logger) async {
        guard let upgrade = value.upgrade else { return }
        var quiet = logger
        quiet.logLevel = .critical
        await inner.handle(value: upgrade, logger: quiet)
    }
}

/// The gateway's request context: Hummingbird's, plus the connection the request came on
/// (the token check marks it authenticated).
struct GatewayContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<Self>
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        channel = source.channel
    }
}

/// Stops accepting while the gateway holds `maxConnections` connections, or while fewer than
/// the reserve of descriptors are free and it holds any (a close then accepts again; with
/// none held it accepts, and the table refuses the connection at once if still short).
struct GatewayAcceptPolicy: AvailableConnectionsDelegate {
    let limits: GatewayLimits
    var open = 0

    mutating func connectionOpened() { open += 1 }
    mutating func connectionClosed() { open -= 1 }

    func isAcceptingNewConnections() -> Bool {
        open == 0 || (open < limits.maxConnections && FileDescriptorBudget.free() >= limits.fdReserve)
    }
}
