import Foundation
import MarianneProtocol

/// Talks to the conductor over its Unix socket: one JSON line per request, one per answer.
/// Plain POSIX sockets (no event loop) keep a short-lived CLI fast.
public final class DaemonClient: Sendable {
    public let socketPath: String
    public let connectTimeout: Double

    public init(socketPath: String, connectTimeout: Double = 2) {
        self.socketPath = socketPath
        self.connectTimeout = connectTimeout
    }

    /// Calls `method` with `params` and decodes its result, the types given by the method's
    /// descriptor. `timeout` bounds the wait for the answer (`.infinity` waits for ever).
    public func call<P: Codable & Sendable, R: Codable & Sendable>(
        _ method: RPCMethodDescriptor<P, R>, _ params: P, timeout: Double = 30
    ) async throws -> R {
        try await call(method.name, params: params, as: R.self, timeout: timeout)
    }

    /// Calls a streaming method (`job.logs` with `follow`), handing each notification to
    /// `onNotification`, and returns the final result.
    public func stream<P: Codable & Sendable, N: Codable & Sendable, R: Codable & Sendable>(
        _ method: RPCMethodDescriptor<P, R>, _ params: P, notification: N.Type, timeout: Double = .infinity,
        onNotification: @Sendable (N) async throws -> Void
    ) async throws -> R {
        try await stream(method.name, params: params, notification: N.self, result: R.self, timeout: timeout, onNotification: onNotification)
    }

    /// Calls `method` by name and decodes its result. `timeout` bounds the wait for the answer
    /// (`.infinity` waits for ever; the default is 30 s).
    public func call<P: Codable & Sendable, R: Codable & Sendable>(
        _ method: String, params: P, as: R.Type, timeout: Double = 30
    ) async throws -> R {
        try await stream(method, params: params, notification: Empty.self, result: R.self, timeout: timeout) { _ in }
    }

    /// Calls `method`, handing each notification (a line without id) to `onNotification`,
    /// and returns the final result. A connection that was stale is retried once.
    public func stream<P: Codable & Sendable, N: Codable & Sendable, R: Codable & Sendable>(
        _ method: String, params: P, notification: N.Type, result: R.Type, timeout: Double = .infinity,
        onNotification: @Sendable (N) async throws -> Void
    ) async throws -> R {
        let connection = try send(method, params: params)
        defer { connection.close() }
        return try await receive(on: connection, method: method, timeout: timeout, onNotification: onNotification)
    }

    /// The same call without suspending: the calling thread waits for the answer. For a
    /// short-lived program that has nothing else to do meanwhile (the CLI's quick commands),
    /// this costs no thread of the concurrency pool.
    public func callNow<P: Codable & Sendable, R: Codable & Sendable>(
        _ method: RPCMethodDescriptor<P, R>, _ params: P, timeout: Double = 30
    ) throws -> R {
        let connection = try send(method.name, params: params)
        defer { connection.close() }
        let deadline = timeout.isFinite ? Date().addingTimeInterval(timeout) : nil
        while true {
            if let result: R = try answer(connection.readLine(deadline: deadline), method: method.name) { return result }
        }
    }

    /// Connects and sends one request line. A conductor that refuses us before we speak
    /// (another user's) is reported as such; one that closed as we connected (it was
    /// stopping) is tried once more.
    private func send<P: Codable & Sendable>(_ method: String, params: P) throws -> SocketConnection {
        let request = RPCRequest(id: .int(1), method: method, params: params)
        var line = try RequestEncoder.encode(request)
        line.append(UInt8(ascii: "\n"))
        let connection = try SocketConnection.connect(path: socketPath, timeout: connectTimeout)
        do {
            try connection.send(line)
            return connection
        } catch {
            defer { connection.close() }
            if let refusal = try? connection.readLine(deadline: Date().addingTimeInterval(0.5)),
               let probe = try? ResponseDecoder.decode(Probe.self, from: refusal), let rpc = probe.error {
                throw ClientError.rpc(rpc)
            }
            let retry = try SocketConnection.connect(path: socketPath, timeout: connectTimeout)
            do { try retry.send(Array(line)) } catch {
                retry.close()
                throw error
            }
            return retry
        }
    }

    private struct Reply<R: Codable & Sendable>: Decodable {
        var id: RPCID?
        var method: String?
        var result: R?
        var error: RPCError?
    }

    private struct NotificationLine<N: Codable & Sendable>: Decodable {
        var params: N
    }

    private struct Probe: Decodable {
        var id: RPCID?
        var method: String?
        var error: RPCError?
    }

    private func receive<N: Codable & Sendable, R: Codable & Sendable>(
        on connection: SocketConnection, method: String, timeout: Double, onNotification: @Sendable (N) async throws -> Void
    ) async throws -> R {
        let deadline = timeout.isFinite ? Date().addingTimeInterval(timeout) : nil
        while true {
            let line = try connection.readLine(deadline: deadline)
            if let result: R = try answer(line, method: method) { return result }
            let note = try ResponseDecoder.decode(NotificationLine<N>.self, from: line)
            try await onNotification(note.params)
        }
    }

    /// The result a line carries, or nil for a notification (a line with a method and no id).
    /// The line is decoded once as an answer; only a line that is not one is looked at again,
    /// to say what it is.
    private func answer<R: Codable & Sendable>(_ line: [UInt8], method: String) throws -> R? {
        let reply: Reply<R>
        do {
            reply = try ResponseDecoder.decode(Reply<R>.self, from: line)
        } catch {
            guard let probe = try? ResponseDecoder.decode(Probe.self, from: line) else {
                throw ClientError.protocolViolation("not JSON: \(String(decoding: line.prefix(200), as: UTF8.self))")
            }
            if probe.id == nil, probe.method != nil { return nil }
            if let rpc = probe.error { throw Self.failure(rpc, method: method) }
            throw ClientError.protocolViolation("cannot decode the answer to \(method): \(error)")
        }
        if reply.id == nil, reply.method != nil { return nil }
        if let rpc = reply.error { throw Self.failure(rpc, method: method) }
        if let result = reply.result { return result }
        if R.self == Empty.self, let empty = Empty() as? R { return empty }
        throw ClientError.protocolViolation("an answer with neither result nor error")
    }

    private static func failure(_ error: RPCError, method: String) -> ClientError {
        error.code == RPCErrorCode.methodNotFound.rawValue ? .conductorTooOld(method: method) : .rpc(error)
    }
}

/// A blocking Unix-socket connection with deadlines.
final class SocketConnection: @unchecked Sendable {
    let fd: Int32
    private var buffer: [UInt8] = []

    private init(fd: Int32) {
        self.fd = fd
    }

    static func connect(path: String, timeout: Double) throws -> SocketConnection {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw ClientError.protocolViolation("socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in bytes.enumerated() { raw[i] = byte }
            raw[bytes.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ClientError.conductorNotRunning }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            if code == EAGAIN { throw ClientError.timeout }
            throw ClientError.conductorNotRunning
        }
        return SocketConnection(fd: fd)
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno == EINTR { continue }
                throw ClientError.connectionLost
            }
            offset += written
        }
    }

    func readLine(deadline: Date?) throws -> [UInt8] {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let wait: Int32 = deadline.map { Int32(max(0, min(Double(Int32.max), $0.timeIntervalSinceNow * 1000))) } ?? -1
            let ready = poll(&pfd, 1, wait)
            if ready < 0 {
                if errno == EINTR { continue }
                throw ClientError.connectionLost
            }
            if ready == 0 { throw ClientError.timeout }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = Glibc.read(fd, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw ClientError.connectionLost }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    func close() {
        Glibc.close(fd)
    }
}
