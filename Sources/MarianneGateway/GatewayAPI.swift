import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import MarianneConductor
import MarianneProtocol

/// Calls the conductor's methods in process, as a socket client would.
struct MethodCaller: Sendable {
    let methods: MarianneConductor.MethodTable

    func call<P: Codable & Sendable, R: Codable & Sendable>(
        _ method: RPCMethodDescriptor<P, R>, _ params: P, writer: any LineWriter = DiscardingWriter()
    ) async throws(RPCError) -> R {
        try await methods.invoke(method, params, context: RequestContext(peer: nil, writer: writer))
    }
}

struct DiscardingWriter: LineWriter {
    func write(line: [UInt8]) async throws {}
}

/// The REST endpoints (Docs/openapi.yaml), the status page and the WebSocket route.
struct GatewayAPI: Sendable {
    let calls: MethodCaller
    let feed: JobFeed
    /// Relative paths in scores posted over HTTP resolve against this directory.
    let submitBase: String
    let maxBodyBytes: Int
    let logger: Logger

    typealias Context = GatewayContext

    func register(on router: Hummingbird.Router<Context>) {
        StatusPage.register(on: router)
        router.get("/api/conductor") { _, _ in
            JSONResponse.make(try await calls.call(RPCMethods.conductorStatus, Empty()))
        }
        router.get("/api/jobs") { request, _ in
            if SeedDialect.wanted(request) { return try await SeedDialect.list(request, calls: calls) }
            let query = Query(request)
            let params = ListParams(
                status: try query.statuses(), name: query.string("name"), limit: try query.int("limit", in: 1...1000),
                cursor: try query.int("cursor", in: 0...Int.max), all: try query.bool("all")
            )
            return JSONResponse.make(try await calls.call(RPCMethods.jobList, params))
        }
        router.get("/api/jobs/running") { _, _ in
            let params = ListParams(status: [.running], limit: 1000)
            return JSONResponse.make(try await calls.call(RPCMethods.jobList, params))
        }
        router.get("/api/jobs/running/all") { _, _ in
            try await SeedDialect.running(calls: calls)
        }
        router.delete("/api/jobs") { request, _ in
            try SeedDialect.refuseOnListing(request)
            let query = Query(request)
            if query.raw("older_than") == "" { throw GatewayError(.badRequest, "invalid_request", "older_than must be a duration such as 7d") }
            let statuses = try query.statuses()
            if let active = statuses?.first(where: { !$0.isTerminal }) {
                throw GatewayError(.badRequest, "invalid_request", "only finished jobs are cleared; \(active.rawValue) is not a finished status")
            }
            return JSONResponse.make(try await calls.call(RPCMethods.jobClear, ClearParams(status: statuses, olderThan: query.string("older_than"))))
        }
        router.post("/api/jobs") { request, context in
            try SeedDialect.refuseOnListing(request)
            return try await submit(request, context: context)
        }
        router.get("/api/jobs/{id}") { _, context in
            let id = try jobID(context)
            return JSONResponse.make(SeedDialect.Detail(result: try await calls.call(RPCMethods.jobStatus, JobIDParams(jobID: id))))
        }
        router.delete("/api/jobs/{id}") { _, context in
            let id = try jobID(context)
            return JSONResponse.make(try await calls.call(RPCMethods.jobDelete, JobIDParams(jobID: id)))
        }
        router.post("/api/jobs/{id}/pause") { request, context in
            let params = PauseParams(jobID: try jobID(context), now: try Query(request).bool("now"))
            return JSONResponse.make(try await calls.call(RPCMethods.jobPause, params))
        }
        router.post("/api/jobs/{id}/resume") { request, context in
            let params = ResumeParams(jobID: try jobID(context), reload: try Query(request).bool("reload"))
            return JSONResponse.make(try await calls.call(RPCMethods.jobResume, params))
        }
        router.post("/api/jobs/{id}/cancel") { _, context in
            let params = JobIDParams(jobID: try jobID(context))
            return JSONResponse.make(try await calls.call(RPCMethods.jobCancel, params))
        }
        router.get("/api/jobs/{id}/logs") { request, context in
            let query = Query(request)
            let params = LogsParams(
                jobID: try jobID(context), tail: try query.int("tail", in: 0...1_000_000),
                since: try query.int("since", in: 0...Int.max), level: try query.level()
            )
            return JSONResponse.make(try await calls.call(RPCMethods.jobLogs, params))
        }
        router.get("/api/jobs/{id}/output") { request, context in
            let query = Query(request)
            var cursor: [String: Int]?
            if let text = query.raw("cursor") {
                // A form-encoded space arrives as `+` (no valid cursor has one: its keys are file names).
                let json = text.replacingOccurrences(of: "+", with: " ")
                guard let parsed = try? JSONDecoder().decode([String: Int].self, from: Data(json.utf8)) else {
                    throw GatewayError(.badRequest, "invalid_request", "cursor must be the cursor object of the previous answer, as JSON")
                }
                cursor = parsed
            }
            let params = OutputParams(
                jobID: try jobID(context), sheet: try query.int("sheet", in: 1...10_000_000), cursor: cursor,
                tailLines: try query.int("tail_lines", in: 0...1_000_000), maxBytes: try query.int("max_bytes", in: 1...OutputParams.maxBytesLimit)
            )
            return JSONResponse.make(try await calls.call(RPCMethods.jobOutput, params))
        }
        router.get("/api/jobs/{id}/results") { _, context in
            let params = JobIDParams(jobID: try jobID(context))
            return JSONResponse.make(try await calls.call(RPCMethods.jobResults, params))
        }
        router.ws("/api/ws") { request, _ in
            // A client that offered subprotocols must get one of them back.
            GatewayAuth.offeredProtocols(request).contains(Substring(GatewayAuth.webSocketProtocol))
                ? .upgrade([.secWebSocketProtocol: GatewayAuth.webSocketProtocol]) : .upgrade([:])
        } onUpgrade: { inbound, outbound, _ in
            let session = WebSocketSession(calls: calls, feed: feed, submitBase: submitBase, outbound: outbound, logger: logger)
            await session.run(inbound: inbound)
        }
    }

    /// `POST /api/jobs`: the body is the score's YAML; `id`, `workspace` and `start_sheet`
    /// may be given in the query.
    private func submit(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBodyBytes)
        } catch {
            throw GatewayError(.contentTooLarge, "body_too_large", "the score is larger than \(maxBodyBytes) bytes")
        }
        let yaml = String(decoding: body.readableBytesView, as: UTF8.self)
        guard !yaml.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw GatewayError(.badRequest, "invalid_request", "the request body is empty; send the score's YAML as the body")
        }
        let query = Query(request)
        let workspace = query.string("workspace")
        if let workspace, !workspace.hasPrefix("/") {
            throw GatewayError(.badRequest, "invalid_request", "workspace must be an absolute path")
        }
        let params = SubmitParams(
            configContent: yaml, workspace: workspace, startSheet: try query.int("start_sheet", in: 1...1_000_000),
            id: query.string("id"), baseDirectory: submitBase
        )
        let result = try await calls.call(RPCMethods.jobSubmit, params)
        var response = JSONResponse.make(result, status: .created)
        response.headers[.location] = "/api/jobs/\(result.jobID)"
        return response
    }

    private func jobID(_ context: Context) throws -> String {
        guard let id = context.parameters.get("id"), !id.isEmpty else {
            throw GatewayError(.badRequest, "invalid_request", "a job id is required")
        }
        return id
    }
}

/// Query parameters, each checked with an error that says what is accepted.
struct Query {
    let parameters: Parameters

    init(_ request: Request) {
        parameters = request.uri.queryParameters
    }

    /// The value, or nil when absent or empty.
    func string(_ name: String) -> String? {
        raw(name).flatMap { $0.isEmpty ? nil : $0 }
    }

    func raw(_ name: String) -> String? {
        parameters[name[...]].map(String.init)
    }

    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = raw(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            let bound = range.upperBound == Int.max ? "\(range.lowerBound) or more" : "from \(range.lowerBound) to \(range.upperBound)"
            throw GatewayError(.badRequest, "invalid_request", "\(name) must be an integer \(bound)")
        }
        return value
    }

    func bool(_ name: String) throws -> Bool? {
        guard let text = raw(name) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default: throw GatewayError(.badRequest, "invalid_request", "\(name) must be true or false")
        }
    }

    /// `status=running,failed` (or the parameter repeated).
    func statuses() throws -> [JobStatus]? {
        if raw("status") == "" { throw GatewayError(.badRequest, "invalid_request", "status must name at least one status") }
        let given = parameters.getAll("status").flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }.map(String.init)
        guard !given.isEmpty else { return nil }
        return try given.map { name in
            guard let status = JobStatus(rawValue: name) else {
                let known = JobStatus.allCases.map(\.rawValue).joined(separator: ", ")
                throw GatewayError(.badRequest, "invalid_request", "unknown status \"\(name)\"; known: \(known)")
            }
            return status
        }
    }

    func level() throws -> String? {
        guard let level = raw("level") else { return nil }
        let levels = ["DEBUG", "INFO", "WARNING", "ERROR"]
        guard levels.contains(level) || levels.map({ $0.lowercased() }).contains(level) else {
            throw GatewayError(.badRequest, "invalid_request", "level must be DEBUG, INFO, WARNING or ERROR")
        }
        return level.uppercased()
    }
}
