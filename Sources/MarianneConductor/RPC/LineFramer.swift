import Foundation
import MarianneProtocol
import NIOCore

/// One unit read from a connection.
enum Frame: Sendable {
    case line(ByteBuffer)
    /// A line longer than the limit; its bytes were discarded.
    case oversized
}

/// Splits the byte stream into `\n`-terminated lines. A line over `maxLength` is reported
/// once as `.oversized` and skipped up to its newline without being buffered.
struct LineFramer: ByteToMessageDecoder {
    typealias InboundOut = Frame

    let maxLength: Int
    private var discarding = false
    /// Bytes of the buffer already searched for a newline (so each byte is searched once).
    private var scanned = 0

    init(maxLength: Int) {
        self.maxLength = maxLength
    }

    /// Offset of the first newline in the readable bytes, searching from `from`.
    static func newline(in buffer: ByteBuffer, from: Int) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            guard from < bytes.count, let base = bytes.baseAddress else { return nil }
            guard let found = memchr(base + from, Int32(UInt8(ascii: "\n")), bytes.count - from) else { return nil }
            return base.distance(to: UnsafeRawPointer(found))
        }
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if let length = Self.newline(in: buffer, from: scanned) {
            scanned = 0
            if discarding {
                buffer.moveReaderIndex(forwardBy: length + 1)
                discarding = false
                return .continue
            }
            if length > maxLength {
                buffer.moveReaderIndex(forwardBy: length + 1)
                context.fireChannelRead(wrapInboundOut(.oversized))
                return .continue
            }
            var line = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: 1)
            if line.readableBytes > 0, line.getInteger(at: line.writerIndex - 1, as: UInt8.self) == UInt8(ascii: "\r") {
                line.moveWriterIndex(to: line.writerIndex - 1)
            }
            context.fireChannelRead(wrapInboundOut(.line(line)))
            return .continue
        }
        scanned = buffer.readableBytes
        if discarding {
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            scanned = 0
            return .needMoreData
        }
        if buffer.readableBytes > maxLength {
            scanned = 0
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            discarding = true
            context.fireChannelRead(wrapInboundOut(.oversized))
        }
        return .needMoreData
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A last line without its newline (the client closed early) is still answered.
        if buffer.readableBytes > 0, !discarding {
            let line = buffer.readSlice(length: buffer.readableBytes)!
            context.fireChannelRead(wrapInboundOut(.line(line)))
        }
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        return .needMoreData
    }
}
