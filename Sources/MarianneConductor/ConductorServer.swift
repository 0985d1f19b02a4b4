import Foundation
import Logging
import MarianneProtocol
import NIOCore
import NIOPosix

/// The Unix-socket server: newline-delimited JSON-RPC, several requests per connection
/// answered in order, every bad line answered with an error, never a crash.
final class ConductorServer: @unchecked Sendable {
    let router: Router
    let logger: Logger
    let maxMessageBytes: Int
    private let group: MultiThreadedEventLoopGroup
    private var channel: Channel?
    private let connections = ConnectionSet()

    init(router: Router, logger: Logger, maxMessageBytes: Int) {
        self.router = router
        self.logger = logger
        self.maxMessageBytes = maxMessageBytes
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// Binds the socket (mode 0600) and starts accepting connections.
    func start(socketPath: String) async throws {
        let router = self.router
        let logger = self.logger
        let maxBytes = self.maxMessageBytes
        let connections = self.connections
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = ConnectionHandler(router: router, logger: logger, channel: channel)
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFramer(maxLength: maxBytes)))
                    try channel.pipeline.syncOperations.addHandler(handler)
                    connections.insert(channel, handler)
                    channel.closeFuture.whenComplete { _ in connections.remove(channel) }
                }
            }
        let previous = umask(0o177)
        defer { umask(previous) }
        channel = try await bootstrap.bind(unixDomainSocketPath: socketPath, cleanupExistingSocketFile: false).get()
        chmod(socketPath, 0o600)
    }

    /// Stops accepting new connections.
    func stopAccepting() async {
        try? await channel?.close().get()
    }

    /// Lets every connection answer the requests it has already read (so the answer to
    /// `conductor.shutdown` itself goes out), then closes what is left and the event loops.
    func shutdown() async {
        await stopAccepting()
        for handler in connections.handlers { handler.finishInput() }
        let deadline = Date().addingTimeInterval(2)
        while !connections.all.isEmpty, Date() < deadline {
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        for connection in connections.all { try? await connection.close().get() }
        try? await group.shutdownGracefully()
    }
}

final class ConnectionSet: @unchecked Sendable {
    private let lock = NSLock()
    private var channels: [ObjectIdentifier: (channel: Channel, handler: ConnectionHandler)] = [:]

    func insert(_ channel: Channel, _ handler: ConnectionHandler) {
        lock.withLock { channels[ObjectIdentifier(channel)] = (channel, handler) }
    }
    func remove(_ channel: Channel) { lock.withLock { _ = channels.removeValue(forKey: ObjectIdentifier(channel)) } }
    var all: [Channel] { lock.withLock { channels.values.map(\.channel) } }
    var handlers: [ConnectionHandler] { lock.withLock { channels.values.map(\.handler) } }
}

/// Writes lines to one connection; awaiting the write gives back-pressure to streams.
struct ChannelLineWriter: LineWriter {
    let channel: Channel

    func write(line: [UInt8]) async throws {
        var buffer = channel.allocator.buffer(capacity: line.count + 1)
        buffer.writeBytes(line)
        buffer.writeInteger(UInt8(ascii: "\n"))
        try await channel.writeAndFlush(buffer).get()
    }

    /// Queues a line without waiting for it to reach the socket (ordinary responses).
    func send(_ line: [UInt8]) {
        var buffer = channel.allocator.buffer(capacity: line.count + 1)
        buffer.writeBytes(line)
        buffer.writeInteger(UInt8(ascii: "\n"))
        channel.writeAndFlush(buffer, promise: nil)
    }
}

/// Hands a connection's frames, in order, to one task that answers them one by one.
final class ConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = Frame

    private let continuation: AsyncStream<Frame>.Continuation

    init(router: Router, logger: Logger, channel: Channel) {
        let (stream, continuation) = AsyncStream.makeStream(of: Frame.self)
        self.continuation = continuation
        let writer = ChannelLineWriter(channel: channel)
        Task {
            let peer = await Self.peerCredentials(channel)
            if let peer, peer.uid != getuid() {
                let error = RPCError(.invalidRequest, "permission denied: the conductor belongs to uid \(getuid())")
                try? await writer.write(line: Array(try JSONEncoder.wire.encode(RPCResponse<Empty>(id: nil, error: error))))
                logger.warning("refused a client of another user", metadata: ["uid": "\(peer.uid)", "pid": "\(peer.pid)"])
                try? await channel.close().get()
                return
            }
            let context = RequestContext(peer: peer, writer: writer)
            let dispatcher = RequestDispatcher(router: router, logger: logger)
            for await frame in stream {
                if let response = await dispatcher.answer(frame, context: context) {
                    writer.send(response)
                }
            }
            try? await channel.close().get()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(unwrapInboundIn(data))
    }

    /// Takes no further requests: the ones already read are answered, then the connection closes.
    func finishInput() {
        continuation.finish()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            continuation.finish()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        continuation.finish()
        context.close(promise: nil)
    }

    static func peerCredentials(_ channel: Channel) async -> PeerCredentials? {
        guard let provider = channel as? SocketOptionProvider else { return nil }
        let future: EventLoopFuture<RawPeerCredentials> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(RawPeerCredentials.option)
        )
        guard let credentials = try? await future.get() else { return nil }
        return PeerCredentials(pid: credentials.pid, uid: credentials.uid, gid: credentials.gid)
    }
}

/// `struct ucred` from <sys/socket.h> (not exported to Swift without _GNU_SOURCE).
struct RawPeerCredentials: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0

    /// SO_PEERCRED on Linux.
    static let option: Int32 = 17
}
