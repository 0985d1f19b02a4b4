import Foundation
import Logging
import MarianneProtocol
import NIOCore
import NIOPosix

/// The Unix-socket server: newline-delimited JSON-RPC, several requests per connection
/// answered in order, every bad line answered with an error, never a crash. Each connection
/// is bounded both ways: a client that sends without reading stalls only itself (answers
/// wait for the socket, reading waits for the answers), and when a connection closes its
/// queued requests are dropped and the one being served is cancelled.
final class ConductorServer: @unchecked Sendable {
    typealias Connection = NIOAsyncChannel<Frame, ByteBuffer>
    /// A new connection and who opened it (read on the event loop as it is accepted).
    typealias Accepted = (connection: Connection, peer: PeerCredentials?)

    let methods: MethodTable
    let logger: Logger
    let maxMessageBytes: Int
    private let group: MultiThreadedEventLoopGroup
    private let lock = NSLock()
    private var listener: NIOAsyncChannel<Accepted, Never>?
    private var serving: Task<Void, Never>?
    private let connections = ConnectionSet()

    /// Requests read ahead of the one being answered, per connection.
    static let readAhead = 16

    init(methods: MethodTable, logger: Logger, maxMessageBytes: Int) {
        self.methods = methods
        self.logger = logger
        self.maxMessageBytes = maxMessageBytes
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// Binds the socket (mode 0600) and starts accepting connections.
    func start(socketPath: String) async throws {
        let maxBytes = maxMessageBytes
        let previous = umask(0o177)
        defer { umask(previous) }
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(unixDomainSocketPath: socketPath, cleanupExistingSocketFile: false) { channel in
                PeerCheck.credentials(channel).flatMapThrowing { peer -> Accepted in
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFramer(maxLength: maxBytes)))
                    let connection = try Connection(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(backPressureStrategy: .init(lowWatermark: 2, highWatermark: Self.readAhead))
                    )
                    return (connection, peer)
                }
            }
        chmod(socketPath, 0o600)
        let (methods, logger, connections) = (self.methods, self.logger, self.connections)
        let executor = EventLoopTaskExecutor(loop: listener.channel.eventLoop)
        let serving = Task(executorPreference: executor) {
            await withDiscardingTaskGroup { tasks in
                do {
                    try await listener.executeThenClose { inbound in
                        for try await accepted in inbound {
                            tasks.addTask {
                                await Self.serve(accepted.connection, peer: accepted.peer, methods: methods, logger: logger, connections: connections)
                            }
                        }
                    }
                } catch {
                    logger.debug("socket listener ended", metadata: ["error": "\(error)"])
                }
            }
        }
        lock.withLock {
            self.listener = listener
            self.serving = serving
        }
    }

    /// Stops accepting new connections.
    func stopAccepting() async {
        let listener = lock.withLock { self.listener }
        try? await listener?.channel.close().get()
    }

    /// Lets every connection answer the requests it has already read (so the answer to
    /// `conductor.shutdown` itself goes out), then closes what is left and the event loop.
    func shutdown() async {
        await stopAccepting()
        let open = connections.all
        for channel in open { channel.close(mode: .input, promise: nil) }
        // Each connection closes once it has answered; none is waited for longer than 2 s.
        _ = await DeadlineTimer.value(within: 2) {
            for channel in open { try? await channel.closeFuture.get() }
        }
        for channel in connections.all { try? await channel.close().get() }
        _ = await lock.withLock { serving }?.value
        try? await group.shutdownGracefully()
    }

    private static func serve(_ connection: Connection, peer: PeerCredentials?, methods: MethodTable, logger: Logger, connections: ConnectionSet) async {
        let channel = connection.channel
        connections.insert(channel)
        defer { connections.remove(channel) }
        let work = Task(executorPreference: EventLoopTaskExecutor(loop: channel.eventLoop)) {
            do {
                try await connection.executeThenClose { inbound, outbound in
                    let writer = ChannelLineWriter(outbound: outbound)
                    if let peer, peer.uid != getuid() {
                        let error = RPCError(.invalidRequest, "permission denied: the conductor belongs to uid \(getuid())")
                        try? await writer.write(line: Array(try JSONEncoder.wire.encode(RPCResponse<Empty>(id: nil, error: error))))
                        logger.warning("refused a client of another user", metadata: ["uid": "\(peer.uid)", "pid": "\(peer.pid)"])
                        return
                    }
                    let context = RequestContext(peer: peer, writer: writer)
                    let dispatcher = RequestDispatcher(methods: methods, logger: logger)
                    for try await frame in inbound {
                        guard !Task.isCancelled else { break }
                        if let response = await dispatcher.answer(frame, context: context) {
                            try await writer.write(line: response)
                        }
                    }
                }
            } catch {
                logger.debug("connection ended", metadata: ["error": "\(error)"])
            }
        }
        // A client that goes away takes its queued work with it.
        channel.closeFuture.whenComplete { _ in work.cancel() }
        await work.value
    }
}

/// Open connections, so shutdown can let them finish and close them.
final class ConnectionSet: @unchecked Sendable {
    private let lock = NSLock()
    private var channels: [ObjectIdentifier: Channel] = [:]

    func insert(_ channel: Channel) { lock.withLock { channels[ObjectIdentifier(channel)] = channel } }
    func remove(_ channel: Channel) { lock.withLock { _ = channels.removeValue(forKey: ObjectIdentifier(channel)) } }
    var all: [Channel] { lock.withLock { Array(channels.values) } }
}

/// Writes lines to one connection; a write waits while the client does not read
/// (back-pressure), and throws once it has gone.
struct ChannelLineWriter: LineWriter {
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    func write(line: [UInt8]) async throws {
        var buffer = ByteBufferAllocator().buffer(capacity: line.count + 1)
        buffer.writeBytes(line)
        buffer.writeInteger(UInt8(ascii: "\n"))
        try await outbound.write(buffer)
    }
}

/// Who is connecting (SO_PEERCRED).
enum PeerCheck {
    /// Read on the channel's event loop (where the future completes at once); nil when the
    /// socket cannot tell.
    static func credentials(_ channel: Channel) -> EventLoopFuture<PeerCredentials?> {
        guard let provider = channel as? SocketOptionProvider else { return channel.eventLoop.makeSucceededFuture(nil) }
        let future: EventLoopFuture<RawPeerCredentials> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(RawPeerCredentials.option)
        )
        return future
            .map { Optional(PeerCredentials(pid: $0.pid, uid: $0.uid, gid: $0.gid)) }
            .recover { _ in nil }
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
