import Foundation

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
