import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPTypes
import HummingbirdWSClient
import Logging
import MarianneClient
import MarianneProtocol
import MarianneTestSupport

/// A real conductor with the HTTP gateway on a free loopback port.
struct Gateway {
    let conductor: TestConductor
    let url: String
    let token: String

    static func start(settings: String = "", environment: [String: String] = [:], launcher: [String] = []) async throws -> Gateway {
        let conductor = try await TestConductor.start(settings: "http: 127.0.0.1:0\n" + settings, environment: environment, launcher: launcher)
        let status = try await conductor.client.call(RPCMethod.conductorStatus, params: Empty(), as: ConductorStatusResult.self)
        guard let url = status.httpURL else { throw TestFailure("the conductor reports no http_url") }
        let token = try String(contentsOfFile: conductor.home + "/http.token", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return Gateway(conductor: conductor, url: url, token: token)
    }

    /// The bound port, from `url`.
    var port: Int { Int(url.split(separator: ":").last ?? "") ?? 0 }

    var wsURL: String { url.replacingOccurrences(of: "http://", with: "ws://") + "/api/ws" }

    /// One HTTP request with the token (unless `token` is given, or "" for none).
    func request(_ method: String, _ path: String, body: String? = nil, token: String? = nil, headers: [String: String] = [:]) async throws -> HTTPReply {
        var request = URLRequest(url: URL(string: url + path)!)
        request.httpMethod = method
        let bearer = token ?? self.token
        if !bearer.isEmpty { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body { request.httpBody = Data(body.utf8) }
        let (data, response) = try await Self.session.data(for: request)
        let http = response as! HTTPURLResponse
        return HTTPReply(status: http.statusCode, body: data, headers: http.allHeaderFields as? [String: String] ?? [:])
    }

    /// No cookie jar: each test says exactly which credentials it sends.
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpCookieStorage = nil
        return URLSession(configuration: configuration)
    }()

    func json(_ method: String, _ path: String, body: String? = nil, expect status: Int = 200) async throws -> JSONValue {
        let reply = try await request(method, path, body: body)
        guard reply.status == status else {
            throw TestFailure("\(method) \(path): expected \(status), got \(reply.status): \(reply.text)")
        }
        return try reply.json()
    }

    func shutdown() { conductor.shutdown() }
}

struct HTTPReply {
    var status: Int
    var body: Data
    var headers: [String: String]

    var text: String { String(decoding: body, as: UTF8.self) }
    func json() throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: body) }
    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

extension JSONValue {
    var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }
}

/// A WebSocket client on `/api/ws`: what the server sends is collected, and tests wait for
/// what they expect by polling with a deadline.
final class WebSocketProbe: @unchecked Sendable {
    private let lock = NSLock()
    private var received: [JSONValue] = []
    private var consumed = 0
    private var writer: WebSocketOutboundWriter?
    private var closed = false
    private var task: Task<Void, Never>?
    private var failure: String?

    /// `token: ""` sends no Authorization header; `protocols` is sent as Sec-WebSocket-Protocol.
    static func open(_ gateway: Gateway, token: String? = nil, protocols: String? = nil) async throws -> WebSocketProbe {
        let probe = WebSocketProbe()
        var configuration = WebSocketClientConfiguration()
        let bearer = token ?? gateway.token
        if !bearer.isEmpty { configuration.additionalHeaders[.authorization] = "Bearer \(bearer)" }
        if let protocols { configuration.additionalHeaders[.secWebSocketProtocol] = protocols }
        let url = gateway.wsURL
        probe.task = Task {
            do {
                _ = try await WebSocketClient.connect(url: url, configuration: configuration, logger: Logger(label: "test.ws")) { inbound, outbound, _ in
                    probe.lock.withLock { probe.writer = outbound }
                    for try await message in inbound.messages(maxSize: 1 << 24) {
                        guard case .text(let text) = message, let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else { continue }
                        probe.lock.withLock { probe.received.append(value) }
                    }
                }
            } catch {
                probe.lock.withLock { probe.failure = "\(error)" }
            }
            probe.lock.withLock { probe.closed = true }
        }
        try await Poll.until(timeout: 60) { probe.lock.withLock { probe.writer != nil || probe.closed } }
        guard probe.lock.withLock({ probe.writer != nil }) else {
            throw TestFailure("the WebSocket did not open: \(probe.lock.withLock { probe.failure ?? "closed" })")
        }
        return probe
    }

    var isClosed: Bool { lock.withLock { closed } }

    func send(_ object: [String: JSONValue]) async throws {
        guard let writer = lock.withLock({ writer }) else { throw TestFailure("not connected") }
        let data = try JSONEncoder().encode(JSONValue.object(object))
        try await writer.write(.text(String(decoding: data, as: UTF8.self)))
    }

    /// The next message not yet taken whose `type` is `type` (messages of other types
    /// before it are skipped).
    func next(_ type: String, timeout: Double = 20) async throws -> JSONValue {
        var found: JSONValue?
        do {
            try await Poll.until(timeout: timeout, interval: 0.01) {
                lock.withLock {
                    while consumed < received.count {
                        let message = received[consumed]
                        consumed += 1
                        if message["type"]?.stringValue == type {
                            found = message
                            return true
                        }
                    }
                    return false
                }
            }
        } catch {
            throw TestFailure("no \(type) message within \(timeout)s; received: \(lock.withLock { received.suffix(5) })")
        }
        return found!
    }

    /// Every message received so far.
    var messages: [JSONValue] { lock.withLock { received } }

    func close() async {
        if let writer = lock.withLock({ writer }) {
            try? await writer.close(.normalClosure, reason: nil)
        }
        _ = await task?.value
    }
}

extension Gateway {
    /// A score whose sheets each log a few lines slowly, so a test can act mid-run.
    static func slowScore(name: String, sheets: Int = 3, linesPerSheet: Int = 4, pause: Double = 0.15) -> String {
        """
        name: \(name)
        workspace: ./\(name)-ws
        backend:
          type: command
          timeout: 2m
          stream_output: true
        sheet:
          size: 1
          total_items: \(sheets)
        prompt:
          template: |
            for i in $(seq 1 \(linesPerSheet)); do echo "sheet {{ sheet_num }} line $i"; sleep \(pause); done
        """
    }
}
