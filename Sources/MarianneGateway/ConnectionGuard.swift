import Foundation
import NIOCore

/// The first handler of every gateway connection, on its raw bytes: closes a refused
/// connection at once, closes one that has not sent a request with the token within the
/// header timeout (whether it sent nothing, a slow head, or only requests without the
/// token), and answers a first request head longer than the limit with 431 before the HTTP
/// decoder would wait for more. Hummingbird answers a refused WebSocket upgrade with a bare
/// 400; when the refusal was for want of the token, that answer is replaced by the 401 every
/// other request gets.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let table: ConnectionTable
    /// nil: the connection was refused and is closed as soon as it is active.
    private let record: ConnectionRecord?
    private var deadline: Scheduled<Void>?
    private var headBytes = 0
    private var headDone = false
    private var stopped = false
    /// The last bytes of the head so far, to find its blank line across reads.
    private var recent: [UInt8] = []
    /// The 401 replacing a refused upgrade's answer has been written.
    private var answeredUnauthorized = false

    init(table: ConnectionTable, record: ConnectionRecord?) {
        self.table = table
        self.record = record
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    private func start(_ context: ChannelHandlerContext) {
        guard record != nil else {
            stopped = true
            context.close(promise: nil)
            return
        }
        guard deadline == nil, !stopped else { return }
        let timeout = TimeAmount.nanoseconds(Int64(table.limits.headerTimeout * 1e9))
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            deadline = nil
            guard let record, !table.isAuthenticated(record) else { return }
            stopped = true
            context.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !stopped else { return }
        if !headDone {
            let buffer = unwrapInboundIn(data)
            if scanHead(buffer.readableBytesView) {
                tooLarge(context)
                return
            }
        }
        context.fireChannelRead(data)
    }

    /// Counts the first head's bytes up to its blank line; true when it is over the limit.
    private func scanHead(_ bytes: ByteBufferView) -> Bool {
        for byte in bytes {
            // Blank lines before the request line are allowed and are not its end.
            if headBytes == 0, byte == 13 || byte == 10 { continue }
            headBytes += 1
            recent.append(byte)
            if recent.count > 4 { recent.removeFirst(recent.count - 4) }
            if recent.suffix(4) == [13, 10, 13, 10] || recent.suffix(2) == [10, 10] {
                headDone = true
                recent = []
                return false
            }
            if headBytes > table.limits.maxHeaderBytes { return true }
        }
        return false
    }

    private func tooLarge(_ context: ChannelHandlerContext) {
        stopped = true
        let body = #"{"error":{"code":"header_too_large","message":"the request head is over \#(table.limits.maxHeaderBytes) bytes"}}"#
        let text = "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
            + "Connection: close\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
        let buffer = context.channel.allocator.buffer(string: text)
        // Half-close and drain what the client is still sending, so the answer is not lost
        // to a reset; the connection is closed when the client stops or after a second.
        context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in
            context.close(mode: .output, promise: nil)
        }
        context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(1)) {
            context.close(promise: nil)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard let record, table.upgradeUnauthorized(record) else {
            context.write(data, promise: promise)
            return
        }
        // The only answer on this connection is the refused upgrade's, then it closes.
        if answeredUnauthorized {
            promise?.succeed()
            return
        }
        answeredUnauthorized = true
        let error = GatewayError.unauthorized
        let body = String(decoding: error.encodedBody, as: UTF8.self)
        let text = "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
            + "Connection: close\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
        context.write(wrapOutboundOut(context.channel.allocator.buffer(string: text)), promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if stopped, let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
