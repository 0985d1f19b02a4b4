import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import MarianneConductor
import MarianneProtocol
import NIOCore
import ServiceLifecycle

/// The HTTP and WebSocket gateway: REST, `/api/ws` and the status page, served inside the
/// conductor. Every request becomes a call of the same method the socket serves (through
/// the conductor's `MethodTable`), so the gateway can never do more than the socket can.
public final class Gateway: ConductorFrontend, Sendable {
    public let url: String
    private let serviceGroup: ServiceGroup
    private let running: Task<Void, Never>
    private let feed: JobFeed

    private init(url: String, serviceGroup: ServiceGroup, running: Task<Void, Never>, feed: JobFeed) {
        self.url = url
        self.serviceGroup = serviceGroup
        self.running = running
        self.feed = feed
    }

    /// An HTTP connection with no request for this long is closed (an open WebSocket is kept
    /// alive by pings).
    static let idleSeconds: Int64 = 60

    /// Binds the listener and starts serving; throws when the address cannot be bound (or
    /// resolves to an address it may not bind).
    public static func start(
        listen: HTTPListenSettings, home: ConductorHome, router methods: MarianneConductor.MethodTable, logger: Logger,
        maxBodyBytes: Int = 16 * 1024 * 1024, limits: GatewayLimits = GatewayLimits()
    ) async throws -> Gateway {
        let token = try GatewayToken.loadOrCreate(path: home.httpTokenPath)
        let address: String
        do {
            address = try listen.bindAddress()
        } catch {
            throw GatewayStartError(description: "cannot listen on \(listen.host):\(listen.port): \(error)")
        }
        let workspaces = home.path("workspaces")
        try FileManager.default.createDirectory(atPath: workspaces, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let calls = MethodCaller(methods: methods)
        let feed = JobFeed(calls: calls)
        let api = GatewayAPI(calls: calls, feed: feed, submitBase: workspaces, maxBodyBytes: maxBodyBytes, logger: logger)
        let connections = ConnectionTable(limits: limits)

        let router = Hummingbird.Router(context: GatewayContext.self)
        router.middlewares.add(ErrorMiddleware(logger: logger))
        router.middlewares.add(TokenMiddleware(token: token, connections: connections))
        api.register(on: router)

        var serverLogger = logger
        serverLogger.logLevel = .warning
        let startup = Startup()
        let app = Application(
            router: router,
            server: GatewayChannel.builder(
                webSocketRouter: router,
                configuration: .init(http1: .init(idleTimeout: .seconds(Self.idleSeconds)), ws: .init(maxFrameSize: 1 << 20)),
                table: connections
            ),
            configuration: .init(
                address: .hostname(address, port: listen.port), serverName: "mzt-conductor",
                availableConnectionsDelegate: GatewayAcceptPolicy(limits: limits)
            ),
            onServerRunning: { channel in startup.finish(.success(channel.localAddress?.port ?? listen.port)) },
            logger: serverLogger
        )
        let serviceGroup = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: serverLogger))
        let running = Task {
            do {
                try await serviceGroup.run()
                startup.finish(.failure(GatewayStartError(description: "the server stopped")))
            } catch {
                startup.finish(.failure(error))
            }
        }
        // The listener is bound, or the group failed first (e.g. the address is in use).
        let port: Int
        do {
            port = try await startup.port()
        } catch {
            throw GatewayStartError(description: "cannot listen on \(listen.host):\(listen.port): \(Self.explain(error))")
        }
        let host = address.contains(":") ? "[\(address)]" : address
        let url = "http://\(host):\(port)"
        logger.info("http gateway listening", metadata: ["url": "\(url)"])
        return Gateway(url: url, serviceGroup: serviceGroup, running: running, feed: feed)
    }

    /// A bind failure in the system's words, with what to do (NIO's text names its own calls).
    static func explain(_ error: any Error) -> String {
        guard let io = error as? IOError else { return "\(error)" }
        switch io.errnoCode {
        case EADDRINUSE: return "the address is already in use (another program listens on it); choose another port with --http HOST:PORT"
        case EACCES: return "permission denied (ports below 1024 need privileges); choose a port above 1024"
        case EADDRNOTAVAIL: return "no interface of this machine has that address"
        default: return "\(String(cString: strerror(io.errnoCode))) (errno \(io.errnoCode))"
        }
    }

    /// Stops accepting, ends open WebSocket streams, and waits (briefly) for the server to stop.
    public func stop() async {
        await feed.stop()
        await serviceGroup.triggerGracefulShutdown()
        let running = self.running
        let forced = Task {
            try? await Task.sleep(nanoseconds: 2_000_000_000)
            running.cancel()
        }
        await running.value
        forced.cancel()
    }
}

public struct GatewayStartError: Error, CustomStringConvertible {
    public var description: String
}

/// How the start went: the bound port, or why there is none. The first outcome wins.
final class Startup: @unchecked Sendable {
    private let lock = NSLock()
    private var outcome: Result<Int, any Error>?
    private var waiter: CheckedContinuation<Int, any Error>?

    func finish(_ result: Result<Int, any Error>) {
        let waiting: CheckedContinuation<Int, any Error>? = lock.withLock {
            guard outcome == nil else { return nil }
            outcome = result
            defer { waiter = nil }
            return waiter
        }
        waiting?.resume(with: result)
    }

    func port() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let known: Result<Int, any Error>? = lock.withLock {
                if outcome == nil { waiter = continuation }
                return outcome
            }
            if let known { continuation.resume(with: known) }
        }
    }
}
