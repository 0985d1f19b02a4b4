import Foundation
import MarianneProtocol

/// Settings from `conductor.yaml` (all optional).
public struct ConductorSettings: Sendable, Equatable {
    /// Jobs running at once; further jobs wait `pending` in FIFO order.
    public var maxConcurrentJobs: Int
    /// Terminal jobs older than this are removed from the registry; nil = never.
    public var cleanupAgeSeconds: Double?
    /// Seconds between TERM and KILL when stopping a process group.
    public var killGraceSeconds: Double
    /// Longest request line accepted on the socket.
    public var maxMessageBytes: Int
    /// Seconds running jobs get to checkpoint when the conductor shuts down.
    public var shutdownGraceSeconds: Double
    /// Where the HTTP gateway listens; nil = no gateway.
    public var http: HTTPListenSettings?

    public init(
        maxConcurrentJobs: Int = ProcessInfo.processInfo.activeProcessorCount * 2,
        cleanupAgeSeconds: Double? = 7 * 86_400,
        killGraceSeconds: Double = 5,
        maxMessageBytes: Int = 16 * 1024 * 1024,
        shutdownGraceSeconds: Double = 10,
        http: HTTPListenSettings? = nil
    ) {
        self.http = http
        self.maxConcurrentJobs = maxConcurrentJobs
        self.cleanupAgeSeconds = cleanupAgeSeconds
        self.killGraceSeconds = killGraceSeconds
        self.maxMessageBytes = maxMessageBytes
        self.shutdownGraceSeconds = shutdownGraceSeconds
    }
}

/// The HTTP gateway's address (`mzt start --http HOST:PORT` or `http.listen`).
public struct HTTPListenSettings: Sendable, Equatable {
    public var host: String
    /// 0 picks a free port; `conductor.status` reports the one bound.
    public var port: Int
    /// Listening on an address other than loopback must be asked for explicitly.
    public var allowRemote: Bool

    public init(host: String, port: Int, allowRemote: Bool = false) {
        self.host = host
        self.port = port
        self.allowRemote = allowRemote
    }

    /// Parses `HOST:PORT`, `[V6]:PORT` or `PORT` (loopback), refusing an address that is
    /// not loopback unless `allowRemote`.
    public static func parse(_ text: String, allowRemote: Bool) throws(HTTPListenError) -> HTTPListenSettings {
        var host = "127.0.0.1"
        var portText = text
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = String(text[text.index(after: text.startIndex)..<close])
            portText = String(text[text.index(after: close)...].dropFirst())
        } else if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = String(text[text.index(after: colon)...])
        }
        guard !host.isEmpty, let port = Int(portText), (0...65_535).contains(port) else {
            throw HTTPListenError(description: "\"\(text)\" is not an address to listen on; give HOST:PORT, for example 127.0.0.1:8420")
        }
        let settings = HTTPListenSettings(host: host, port: port, allowRemote: allowRemote)
        guard allowRemote || settings.isLoopback else {
            throw HTTPListenError(
                description: "\(host) is not a loopback address: the gateway would be reachable from other machines; "
                    + "pass --http-allow-remote (or set http.allow_remote: true) if that is what you want"
            )
        }
        return settings
    }

    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

public struct HTTPListenError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
