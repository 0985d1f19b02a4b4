import Foundation
import NIOCore
import NIOPosix

/// Reads one pipe of a child on the event loop (no thread per stream): copies the bytes to a
/// file when asked, splits them into lines (a line longer than `maxLineBytes` is split) and
/// hands the lines over with the overflow policy of its `OutputLines`.
struct OutputReader: Sendable {
    let fd: Int32
    /// A file the bytes are copied to (owned: closed at the end).
    let copy: Int32?
    let lines: OutputLines

    static let maxLineBytes = 64 * 1024

    init(fd: Int32, copy: Int32?, lines: OutputLines) {
        self.fd = fd
        self.copy = copy
        self.lines = lines
    }

    /// Closes the descriptors without reading (the child never started).
    func abandon() {
        close(fd)
        if let copy { close(copy) }
    }

    /// Reads to end of file, or until the task is cancelled.
    func drain() async {
        defer { if let copy { close(copy) } }
        let channel: NIOAsyncChannel<ByteBuffer, Never>
        do {
            channel = try await NIOPipeBootstrap(group: NIOSingletons.posixEventLoopGroup)
                .takingOwnershipOfDescriptor(input: fd) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, Never>(
                            wrappingChannelSynchronously: channel,
                            configuration: .init(backPressureStrategy: .init(lowWatermark: 2, highWatermark: 8))
                        )
                    }
                }
        } catch {
            close(fd)
            return
        }
        let delivery = LineDelivery(lines)
        var pending: [UInt8] = []
        do {
            try await channel.executeThenClose { inbound in
                for try await buffer in inbound {
                    if Task.isCancelled { break }
                    buffer.withUnsafeReadableBytes { bytes in
                        if let copy { Self.writeAll(bytes, to: copy) }
                        pending.append(contentsOf: bytes)
                    }
                    await delivery.split(&pending, maxLineBytes: Self.maxLineBytes)
                }
            }
        } catch {}
        if !pending.isEmpty, !Task.isCancelled { await delivery.deliver(String(decoding: pending, as: UTF8.self)) }
        await delivery.finish()
    }

    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, base + offset, bytes.count - offset)
            if written < 0, errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }
}

/// Hands lines to the handler: directly (`wait`: the reader, and so the child, waits for
/// the handler), or through a bounded buffer drained by its own task (`drop`: lines that do
/// not fit are counted and reported as `.dropped(n)` before the next line delivered).
final class LineDelivery: @unchecked Sendable {
    private let lines: OutputLines
    private let continuation: AsyncStream<String>.Continuation?
    private var consumer: Task<Void, Never>?
    private let lock = NSLock()
    private var dropped = 0

    init(_ lines: OutputLines) {
        self.lines = lines
        guard lines.overflow == .drop else {
            continuation = nil
            return
        }
        let (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingOldest(lines.capacity))
        self.continuation = continuation
        let handler = lines.handler
        consumer = Task { [self] in
            for await line in stream {
                let missed = takeDropped()
                if missed > 0 { await handler(.dropped(missed)) }
                await handler(.line(line))
            }
            let missed = takeDropped()
            if missed > 0 { await handler(.dropped(missed)) }
        }
    }

    private func takeDropped() -> Int {
        lock.withLock {
            defer { dropped = 0 }
            return dropped
        }
    }

    /// Delivers every complete line in `pending` and keeps the rest.
    func split(_ pending: inout [UInt8], maxLineBytes: Int) async {
        var start = 0
        var index = 0
        while index < pending.count {
            if pending[index] == UInt8(ascii: "\n") || index - start + 1 >= maxLineBytes {
                let end = pending[index] == UInt8(ascii: "\n") ? index : index + 1
                await deliver(String(decoding: pending[start..<end], as: UTF8.self))
                start = index + 1
            }
            index += 1
        }
        if start > 0 { pending.removeFirst(min(start, pending.count)) }
    }

    func deliver(_ line: String) async {
        if let continuation {
            if case .dropped = continuation.yield(line) {
                lock.withLock { dropped += 1 }
            }
        } else {
            await lines.handler(.line(line))
        }
    }

    /// Waits until every line taken has been handed over.
    func finish() async {
        continuation?.finish()
        await consumer?.value
    }
}
