import Foundation
import Hummingbird
import HTTPTypes
import Logging
import MarianneProtocol
import NIOCore

/// An error answered as `{"error": {"code", "message"}}` with its HTTP status.
struct GatewayError: Error {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    /// The socket's error code, when the error came from a method.
    var rpcCode: Int?
    var data: JSONValue?
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    /// The HTTP form of a method's error: same message and detail, a fitting status.
    init(_ error: RPCError) {
        let (status, code): (HTTPResponse.Status, String) = switch error.knownCode {
        case .parseError, .invalidRequest, .invalidParams: (.badRequest, "invalid_request")
        case .methodNotFound: (.notFound, "not_found")
        case .jobNotFound: (.notFound, "job_not_found")
        case .resourcesExhausted: (.serviceUnavailable, "resources_exhausted")
        case .alreadyRunning: (.conflict, "already_running")
        case .jobExists: (.conflict, "job_exists")
        case .shuttingDown: (.serviceUnavailable, "shutting_down")
        case .invalidState: (.conflict, "invalid_state")
        case .workspaceInvalid: (.unprocessableContent, "workspace_invalid")
        case .invalidScore: (.unprocessableContent, "invalid_score")
        case .internalError, nil: (.internalServerError, "internal_error")
        }
        self.init(status, code, error.message)
        rpcCode = error.code
        data = error.data
    }

    struct Body: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
            var rpcCode: Int?
            var data: JSONValue?

            enum CodingKeys: String, CodingKey {
                case code, message, data
                case rpcCode = "rpc_code"
            }
        }
        var error: Detail
    }

    var response: Response {
        var response = JSONResponse.make(Body(error: .init(code: code, message: message, rpcCode: rpcCode, data: data)), status: status)
        response.headers.append(contentsOf: headers)
        return response
    }

    /// The JSON body alone, for answers written below the router.
    var encodedBody: Data {
        (try? JSONEncoder.wire.encode(Body(error: .init(code: code, message: message, rpcCode: rpcCode, data: data)))) ?? Data()
    }

    /// A missing or wrong token: the same answer on every path.
    static let unauthorized = GatewayError(
        .unauthorized, "unauthorized", "a valid token is required: send Authorization: Bearer TOKEN (mzt http-token prints it)",
        headers: [.wwwAuthenticate: "Bearer"]
    )
}

enum JSONResponse {
    static func make<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let bytes = (try? JSONEncoder.wire.encode(value)) ?? Data(#"{"error":{"code":"internal_error","message":"the answer could not be encoded"}}"#.utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}

/// Turns every error (ours, a method's, the router's own 404) into the JSON error form, so
/// no request ends in an unexplained 500 or an HTML page.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as GatewayError {
            return error.response
        } catch let error as RPCError {
            return GatewayError(error).response
        } catch let error as HTTPError where error.status == .notFound && !GatewayRoutes.methods(for: request.uri.path).isEmpty {
            let allowed = GatewayRoutes.methods(for: request.uri.path)
            return GatewayError(
                .methodNotAllowed, "method_not_allowed", "\(request.method) is not served on \(request.uri.path); use \(allowed.joined(separator: " or "))",
                headers: [.allow: allowed.joined(separator: ", ")]
            ).response
        } catch let error as HTTPError {
            let code = switch error.status {
            case .notFound: "not_found"
            case .methodNotAllowed: "method_not_allowed"
            case .contentTooLarge: "body_too_large"
            default: "http_\(error.status.code)"
            }
            let message = switch error.status {
            case .notFound: "no such endpoint: \(request.method) \(request.uri.path); see Docs/openapi.yaml"
            case .contentTooLarge: "the request body is too large"
            default: error.body ?? error.status.reasonPhrase
            }
            return GatewayError(error.status, code, message).response
        } catch {
            logger.error("gateway request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return GatewayError(.internalServerError, "internal_error", "internal error: \(error)").response
        }
    }
}

/// Lets a request through only with the token, given as `Authorization: Bearer TOKEN`; as
/// the WebSocket subprotocol `bearer.TOKEN` on `/api/ws` (a browser cannot set headers on a
/// WebSocket); or, for the status page itself only, as `/?token=TOKEN`. No cookie is ever a
/// credential: the browser holds nothing it would send on its own, so other sites (and other
/// ports of this host) cannot borrow it.
/// A request with the token marks its connection authenticated in `connections`, which
/// lifts the header deadline and the unauthenticated caps from it.
struct TokenMiddleware: RouterMiddleware {
    typealias Context = GatewayContext
    let token: String
    let connections: ConnectionTable?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let isPage = request.method == .get && request.uri.path == "/"
        if GatewayAuth.hasBearer(request, token: token) || GatewayAuth.hasWebSocketToken(request, token: token)
            || (isPage && request.uri.queryParameters["token"].map { GatewayToken.matches(Substring($0), token) } == true) {
            connections?.authenticate(context.channel)
            return try await next(request, context)
        }
        if isPage, request.headers[.accept]?.contains("text/html") == true {
            return StatusPage.loginHelp()
        }
        if request.headers[.upgrade]?.lowercased() == "websocket" { connections?.refuseUpgrade(context.channel) }
        throw GatewayError.unauthorized
    }
}

enum GatewayAuth {
    /// The subprotocol the status page (and any client) may name next to `bearer.TOKEN`.
    static let webSocketProtocol = "mzt"

    /// `Authorization: Bearer TOKEN`; the scheme's name is case-insensitive (RFC 7235).
    static func hasBearer(_ request: Request, token: String) -> Bool {
        guard let header = request.headers[.authorization], let space = header.firstIndex(of: " ") else { return false }
        guard header[..<space].lowercased() == "bearer" else { return false }
        return GatewayToken.matches(Substring(header[space...].trimmingCharacters(in: .whitespaces)), token)
    }

    /// `Sec-WebSocket-Protocol: mzt, bearer.TOKEN` on the WebSocket upgrade.
    static func hasWebSocketToken(_ request: Request, token: String) -> Bool {
        guard request.uri.path == "/api/ws" else { return false }
        return offeredProtocols(request).contains { $0.hasPrefix("bearer.") && GatewayToken.matches($0.dropFirst("bearer.".count), token) }
    }

    static func offeredProtocols(_ request: Request) -> [Substring] {
        request.headers[values: .secWebSocketProtocol].flatMap { $0.split(separator: ",") }.map { $0.trimmingPrefix(" ") }
    }
}

/// The routes the gateway serves, to tell a wrong method (405) from a wrong path (404).
enum GatewayRoutes {
    static let table: [(pattern: [String], methods: [String])] = [
        ([""], ["GET"]),
        (["api", "conductor"], ["GET"]), (["api", "ws"], ["GET"]),
        (["api", "jobs"], ["GET", "POST", "DELETE"]), (["api", "jobs", "running"], ["GET"]),
        (["api", "jobs", "running", "all"], ["GET"]),
        (["api", "jobs", "*"], ["GET", "DELETE"]),
        (["api", "jobs", "*", "pause"], ["POST"]), (["api", "jobs", "*", "resume"], ["POST"]),
        (["api", "jobs", "*", "cancel"], ["POST"]),
        (["api", "jobs", "*", "logs"], ["GET"]), (["api", "jobs", "*", "results"], ["GET"]),
        (["api", "jobs", "*", "output"], ["GET"]),
    ]

    static func methods(for path: String) -> [String] {
        // `/api/jobs/` is the other dialect's listing: GET only.
        if path == "/api/jobs/" { return ["GET"] }
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        if parts.count > 1, parts.last == "" { parts.removeLast() }
        if parts.isEmpty { parts = [""] }
        for route in table where route.pattern.count == parts.count {
            if zip(route.pattern, parts).allSatisfy({ $0 == "*" ? !$1.isEmpty : $0 == $1 }) {
                return route.methods
            }
        }
        return []
    }
}
