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

    /// Parses `HOST:PORT`, `[V6]:PORT` or `PORT` (loopback), refusing a host that resolves to
    /// any address other than loopback unless `allowRemote`.
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
        if !allowRemote { _ = try settings.bindAddress() }
        return settings
    }

    /// The numeric address to bind: the host resolved, every address it resolves to checked
    /// to be loopback unless `allowRemote` (so a name such as `127.x.example`, or one that
    /// resolves to the wildcard `0.0.0.0`, is refused). The first IPv4 address wins, else the
    /// first address. The gateway binds exactly this, never the name.
    public func bindAddress() throws(HTTPListenError) -> String {
        let addresses = try Self.resolve(host)
        if !allowRemote, let remote = addresses.first(where: { !Self.isLoopbackAddress($0) }) {
            let shown = remote == host ? host : "\(host) (\(remote))"
            throw HTTPListenError(
                description: "\(shown) is not a loopback address: the gateway would be reachable from other machines; "
                    + "pass --http-allow-remote (or set http.allow_remote: true) if that is what you want"
            )
        }
        return addresses.first(where: { !$0.contains(":") }) ?? addresses[0]
    }

    /// True when every address the host resolves to is loopback (false if it resolves to none).
    public var isLoopback: Bool {
        guard let addresses = try? Self.resolve(host) else { return false }
        return addresses.allSatisfy(Self.isLoopbackAddress)
    }

    /// `127.0.0.0/8`, `::1`, and `::ffff:127.x.x.x`.
    public static func isLoopbackAddress(_ numeric: String) -> Bool {
        let address = numeric.lowercased()
        return address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
    }

    /// Every address `host` resolves to, numeric, without duplicates.
    static func resolve(_ host: String) throws(HTTPListenError) -> [String] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc) || canImport(Musl)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let first = list else {
            let reason = String(cString: gai_strerror(status))
            throw HTTPListenError(description: "cannot resolve \(host) (\(reason)); give a loopback address such as 127.0.0.1")
        }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            var name = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if let address = current.pointee.ai_addr,
               getnameinfo(address, current.pointee.ai_addrlen, &name, socklen_t(name.count), nil, 0, NI_NUMERICHOST) == 0 {
                let text = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if !addresses.contains(text) { addresses.append(text) }
            }
            entry = current.pointee.ai_next
        }
        guard !addresses.isEmpty else {
            throw HTTPListenError(description: "\(host) resolves to no address; give a loopback address such as 127.0.0.1")
        }
        return addresses
    }
}

public struct HTTPListenError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
