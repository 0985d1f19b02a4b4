import Foundation

/// Protocol version spoken by this build; `conductor.health` reports it.
public let protocolVersion = 1

/// The version of the package, reported by `mzt --version` and `conductor.health`.
public let marianneVersion = "0.1.0"

/// A JSON-RPC id: a number or a string.
public enum RPCID: Codable, Sendable, Hashable, CustomStringConvertible {
    case int(Int)
    case string(String)

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        }
    }

    public var description: String {
        switch self {
        case .int(let value): return String(value)
        case .string(let value): return value
        }
    }
}

/// One request line. `id == nil` makes it a notification: it gets no reply.
public struct RPCRequest<Params: Codable & Sendable>: Codable, Sendable {
    public var jsonrpc: String
    public var id: RPCID?
    public var method: String
    public var params: Params?

    public init(id: RPCID?, method: String, params: Params?) {
        self.jsonrpc = "2.0"
        self.id = id
        self.method = method
        self.params = params
    }
}

/// One response line: exactly one of `result` and `error` is set.
public struct RPCResponse<Result: Codable & Sendable>: Codable, Sendable {
    public var jsonrpc: String
    public var id: RPCID?
    public var result: Result?
    public var error: RPCError?

    public init(id: RPCID?, result: Result) {
        self.jsonrpc = "2.0"
        self.id = id
        self.result = result
        self.error = nil
    }

    public init(id: RPCID?, error: RPCError) {
        self.jsonrpc = "2.0"
        self.id = id
        self.result = nil
        self.error = error
    }
}

/// A server-to-client message without an id, used for streams (log follow).
public struct RPCNotification<Params: Codable & Sendable>: Codable, Sendable {
    public var jsonrpc: String
    public var method: String
    public var params: Params

    public init(method: String, params: Params) {
        self.jsonrpc = "2.0"
        self.method = method
        self.params = params
    }
}

/// An error as it crosses the wire: a stable code, a human message, optional detail.
public struct RPCError: Error, Codable, Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    public var message: String
    public var data: JSONValue?

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public init(_ code: RPCErrorCode, _ message: String, data: JSONValue? = nil) {
        self.init(code: code.rawValue, message: message, data: data)
    }

    public var knownCode: RPCErrorCode? { RPCErrorCode(rawValue: code) }
    public var description: String { message }
}

/// Error codes: JSON-RPC's standard ones and the conductor's own.
public enum RPCErrorCode: Int, Sendable, CaseIterable {
    case parseError = -32700
    case invalidRequest = -32600
    case methodNotFound = -32601
    case invalidParams = -32602
    case internalError = -32603
    case jobNotFound = -32000
    case resourcesExhausted = -32001
    case alreadyRunning = -32002
    case shuttingDown = -32003
    case invalidState = -32004
    case workspaceInvalid = -32005
    case invalidScore = -32006
    /// A job with this id exists and has finished; submit with `replace` or another id.
    case jobExists = -32007
}

/// Method names. They may grow; they never silently change.
public enum RPCMethod {
    public static let conductorHealth = "conductor.health"
    public static let conductorStatus = "conductor.status"
    public static let conductorShutdown = "conductor.shutdown"
    public static let jobSubmit = "job.submit"
    public static let jobStart = "job.start"
    public static let jobStatus = "job.status"
    public static let jobList = "job.list"
    public static let jobPause = "job.pause"
    public static let jobResume = "job.resume"
    public static let jobCancel = "job.cancel"
    public static let jobDelete = "job.delete"
    public static let jobClear = "job.clear"
    public static let jobHealth = "job.health"
    public static let jobLogs = "job.logs"
    public static let jobResults = "job.results"
    public static let jobWait = "job.wait"
    public static let jobOutput = "job.output"
    public static let jobSignal = "job.signal"
    public static let jobRestart = "job.restart"
    public static let jobMove = "job.move"
    public static let jobConfig = "job.config"
    public static let jobEdit = "job.edit"
    public static let jobRecover = "job.recover"
    public static let groupList = "group.list"
    public static let groupAdd = "group.add"
    public static let groupRemove = "group.remove"
    public static let groupParallel = "group.parallel"
    public static let moduleList = "module.list"
    public static let moduleInstall = "module.install"
    /// Notification method carrying one log entry of a followed job.
    public static let logEntry = "job.log"
}

/// Empty params or result.
public struct Empty: Codable, Sendable, Equatable {
    public init() {}
}
