import Foundation
import HummingbirdWebSocket
import Logging
import MarianneConductor
import MarianneCore
import MarianneProtocol

/// One `/api/ws` connection. Commands (each a JSON object with a `type`): `run_job`,
/// `reconnect_job`, `unfollow_job`, `cancel_job`, `pause_job`, `resume_job`, `subscribe`,
/// `unsubscribe`.
/// Jobs belong to the conductor, not to the connection: closing it only ends the streams.
actor WebSocketSession {
    private let calls: MethodCaller
    private let feed: JobFeed
    private let submitBase: String
    private let sender: MessageSender
    private let logger: Logger
    private var streams: [String: Task<Void, Never>] = [:]
    private var subscription: Task<Void, Never>?

    init(calls: MethodCaller, feed: JobFeed, submitBase: String, outbound: WebSocketOutboundWriter, logger: Logger) {
        self.calls = calls
        self.feed = feed
        self.submitBase = submitBase
        self.sender = MessageSender(outbound: outbound)
        self.logger = logger
    }

    func run(inbound: WebSocketInboundStream) async {
        do {
            for try await message in inbound.messages(maxSize: 16 * 1024 * 1024) {
                guard case .text(let text) = message else {
                    await sender.error(nil, "invalid_message", "send commands as JSON text messages")
                    continue
                }
                await handle(text)
            }
        } catch {
            logger.debug("websocket closed", metadata: ["error": "\(error)"])
        }
        for task in streams.values { task.cancel() }
        streams.removeAll()
        subscription?.cancel()
    }

    private func handle(_ text: String) async {
        let command: Command
        do {
            command = try JSONDecoder.wire.decode(Command.self, from: Data(text.utf8))
        } catch {
            await sender.error(nil, "invalid_message", "each message must be a JSON object with a \"type\" (run_job, reconnect_job, unfollow_job, cancel_job, pause_job, resume_job, subscribe, unsubscribe), or {\"command\": ..., \"data\": {...}}")
            return
        }
        let requestID = command.requestID
        do {
            switch command.type {
            case "run_job": try await runJob(command)
            case "reconnect_job": try await reconnectJob(command)
            case "cancel_job":
                let result = try await calls.call(RPCMethods.jobCancel, JobIDParams(jobID: try command.requireJobID()))
                await sender.send("job_action", requestID: requestID, Action(action: "cancel", result: result))
            case "pause_job":
                let params = PauseParams(jobID: try command.requireJobID(), now: command.now)
                let result = try await calls.call(RPCMethods.jobPause, params)
                await sender.send("job_action", requestID: requestID, Action(action: "pause", result: result))
            case "resume_job":
                let result = try await calls.call(RPCMethods.jobResume, ResumeParams(jobID: try command.requireJobID()))
                await sender.send("job_action", requestID: requestID, Action(action: "resume", result: result))
            case "unfollow_job":
                let jobID = try command.requireJobID()
                streams.removeValue(forKey: jobID)?.cancel()
            case "subscribe": await subscribe()
            case "unsubscribe":
                subscription?.cancel()
                subscription = nil
            default:
                await sender.error(requestID, "unknown_type", "unknown type \"\(command.type)\"; known: run_job, reconnect_job, unfollow_job, cancel_job, pause_job, resume_job, subscribe, unsubscribe")
            }
        } catch let error as RPCError {
            await sender.error(requestID, GatewayError(error).code, error.message, rpcCode: error.code, data: error.data)
        } catch let error as GatewayError {
            await sender.error(requestID, error.code, error.message)
        } catch {
            await sender.error(requestID, "internal_error", "internal error: \(error)")
        }
    }

    /// Submits the score, answers `job_started`, then streams its log (unless `follow: false`).
    private func runJob(_ command: Command) async throws {
        if command.score == nil, let module = command.workflowID {
            let params = StartModuleParams(moduleID: module, inputs: command.params, id: command.id)
            let result = try await calls.call(RPCMethods.jobStart, params)
            await sender.send("job_started", requestID: command.requestID, Said(body: result, message: command.enveloped ? "Job started" : nil))
            if command.follow != false { stream(result.jobID, since: 0) }
            return
        }
        guard let score = command.score, !score.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw GatewayError(.badRequest, "invalid_request", "run_job needs \"score\" (the score's YAML) or \"workflow_id\" (a module to run)")
        }
        if let workspace = command.workspace, !workspace.hasPrefix("/") {
            throw GatewayError(.badRequest, "invalid_request", "workspace must be an absolute path")
        }
        let params = SubmitParams(configContent: score, workspace: command.workspace, id: command.id, baseDirectory: submitBase)
        let result = try await calls.call(RPCMethods.jobSubmit, params)
        await sender.send("job_started", requestID: command.requestID, Said(body: result, message: command.enveloped ? "Job started" : nil))
        if command.follow != false { stream(result.jobID, since: 0) }
    }

    /// Replays the entries after `last_seq`, then streams new ones: no gap, no duplicate.
    /// A `last_seq` beyond the job's log means the job was submitted again since (its log
    /// started over): then everything is sent again, from 1, with `reset: true`.
    private func reconnectJob(_ command: Command) async throws {
        let jobID = try command.requireJobID()
        var since = command.lastSeq ?? 0
        guard since >= 0 else { throw GatewayError(.badRequest, "invalid_request", "last_seq must be 0 or more") }
        let current = try await calls.call(RPCMethods.jobLogs, LogsParams(jobID: jobID, tail: 0))
        let reset = since > current.lastSeq
        if reset { since = 0 }
        let reply = Reconnected(jobID: jobID, status: current.status, lastSeq: since, reset: reset ? true : nil)
        await sender.send("reconnected", requestID: command.requestID, Said(body: reply, message: command.enveloped ? "Reconnecting to job \(jobID)" : nil))
        stream(jobID, since: since)
    }

    private func stream(_ jobID: String, since: Int) {
        streams[jobID]?.cancel()
        let calls = self.calls, sender = self.sender
        streams[jobID] = Task {
            let params = LogsParams(jobID: jobID, since: since, follow: true)
            do {
                let result = try await calls.call(RPCMethods.jobLogs, params, writer: LogForwarder(sender: sender))
                guard !Task.isCancelled else { return }
                await sender.send("job_ended", requestID: nil, Ended(jobID: jobID, status: result.status, error: result.error, lastSeq: result.lastSeq))
            } catch let error as RPCError {
                guard !Task.isCancelled else { return }
                await sender.error(nil, GatewayError(error).code, error.message, rpcCode: error.code)
            } catch {}
        }
    }

    private func subscribe() async {
        subscription?.cancel()
        let stream = await feed.subscribe()
        let sender = self.sender
        subscription = Task {
            for await event in stream {
                guard !Task.isCancelled else { return }
                let delivered: Bool = switch event {
                case .snapshot(let jobs): await sender.send("jobs", requestID: nil, Jobs(jobs: jobs))
                case .changed(let job): await sender.send("job", requestID: nil, OneJob(job: job))
                case .removed(let id): await sender.send("job_removed", requestID: nil, Removed(jobID: id))
                }
                if !delivered { return }
            }
        }
    }

    // MARK: messages

    /// A command: `{"type": ..., fields}`, or the other dialect's `{"command": ..., "data":
    /// {fields}}` (its answers then carry a `message` too, as that dialect's are).
    struct Command: Decodable {
        var type: String
        var requestID: JSONValue?
        var score: String?
        var id: String?
        var workspace: String?
        var follow: Bool?
        var jobID: String?
        var lastSeq: Int?
        var now: Bool?
        /// The other dialect's `workflow_id`: a module to run (with `params` as its inputs).
        var workflowID: String?
        var params: [String: JSONValue]?
        /// True for the `{"command", "data"}` envelope.
        var enveloped = false

        enum CodingKeys: String, CodingKey {
            case type, score, id, workspace, follow, now, command, data, params
            case requestID = "request_id"
            case jobID = "job_id"
            case lastSeq = "last_seq"
            case workflowID = "workflow_id"
        }

        init(from decoder: any Decoder) throws {
            let outer = try decoder.container(keyedBy: CodingKeys.self)
            var fields = outer
            if let type = try outer.decodeIfPresent(String.self, forKey: .type) {
                self.type = type
            } else {
                type = try outer.decode(String.self, forKey: .command)
                enveloped = true
                if outer.contains(.data), try !outer.decodeNil(forKey: .data) {
                    fields = try outer.nestedContainer(keyedBy: CodingKeys.self, forKey: .data)
                }
            }
            requestID = try outer.decodeIfPresent(JSONValue.self, forKey: .requestID) ?? fields.decodeIfPresent(JSONValue.self, forKey: .requestID)
            score = try fields.decodeIfPresent(String.self, forKey: .score)
            id = try fields.decodeIfPresent(String.self, forKey: .id)
            workspace = try fields.decodeIfPresent(String.self, forKey: .workspace)
            follow = try fields.decodeIfPresent(Bool.self, forKey: .follow)
            jobID = try fields.decodeIfPresent(String.self, forKey: .jobID)
            lastSeq = try fields.decodeIfPresent(Int.self, forKey: .lastSeq)
            now = try fields.decodeIfPresent(Bool.self, forKey: .now)
            workflowID = try fields.decodeIfPresent(String.self, forKey: .workflowID)
            params = try fields.decodeIfPresent([String: JSONValue].self, forKey: .params)
        }

        func requireJobID() throws -> String {
            guard let jobID, !jobID.isEmpty else {
                throw GatewayError(.badRequest, "invalid_request", "\(type) needs \"job_id\"")
            }
            return jobID
        }
    }

    /// An answer with the other dialect's `message` beside its fields.
    struct Said<Body: Encodable>: Encodable {
        var body: Body
        var message: String?

        enum CodingKeys: String, CodingKey { case message }

        func encode(to encoder: any Encoder) throws {
            try body.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(message, forKey: .message)
        }
    }

    struct Action: Encodable {
        var action: String
        var result: JobActionResult

        enum CodingKeys: String, CodingKey { case action }

        func encode(to encoder: any Encoder) throws {
            try result.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(action, forKey: .action)
        }
    }

    struct Reconnected: Encodable {
        var jobID: String
        var status: JobStatus
        var lastSeq: Int
        var reset: Bool?

        enum CodingKeys: String, CodingKey {
            case status, reset
            case jobID = "job_id"
            case lastSeq = "last_seq"
        }
    }

    struct Ended: Encodable {
        var jobID: String
        var status: JobStatus
        var error: String?
        var lastSeq: Int

        enum CodingKeys: String, CodingKey {
            case status, error
            case jobID = "job_id"
            case lastSeq = "last_seq"
        }
    }

    struct Jobs: Encodable { var jobs: [JobSummary] }
    struct OneJob: Encodable { var job: JobSummary }
    struct Removed: Encodable {
        var jobID: String
        enum CodingKeys: String, CodingKey { case jobID = "job_id" }
    }
}

/// Writes messages to one WebSocket, one at a time. Each message is the body's fields plus
/// `type` (and `request_id` when answering a command that had one).
actor MessageSender {
    private let outbound: WebSocketOutboundWriter
    private var closed = false

    init(outbound: WebSocketOutboundWriter) {
        self.outbound = outbound
    }

    @discardableResult
    func send<Body: Encodable>(_ type: String, requestID: JSONValue?, _ body: Body) async -> Bool {
        guard !closed else { return false }
        guard let data = try? JSONEncoder.wire.encode(Tagged(type: type, requestID: requestID, body: body)) else { return false }
        do {
            try await outbound.write(.text(String(decoding: data, as: UTF8.self)))
            return true
        } catch is CancellationError {
            return false  // the sending task was stopped (unfollow, unsubscribe); the socket is fine
        } catch {
            if Task.isCancelled { return false }
            closed = true
            return false
        }
    }

    func error(_ requestID: JSONValue?, _ code: String, _ message: String, rpcCode: Int? = nil, data: JSONValue? = nil) async {
        await send("error", requestID: requestID, GatewayError.Body.Detail(code: code, message: message, rpcCode: rpcCode, data: data))
    }

    struct Tagged<Body: Encodable>: Encodable {
        var type: String
        var requestID: JSONValue?
        var body: Body

        enum CodingKeys: String, CodingKey {
            case type
            case requestID = "request_id"
        }

        func encode(to encoder: any Encoder) throws {
            try body.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type, forKey: .type)
            try container.encodeIfPresent(requestID, forKey: .requestID)
        }
    }
}

/// Turns the `job.log` notifications of a followed job into `log` messages.
struct LogForwarder: LineWriter {
    let sender: MessageSender

    func write(line: [UInt8]) async throws {
        try Task.checkCancellation()
        let notification = try JSONDecoder.wire.decode(RPCNotification<LogNotification>.self, from: Data(line))
        guard await sender.send("log", requestID: nil, notification.params) else { throw CancellationError() }
    }
}
