import Foundation
import Hummingbird
import MarianneProtocol

/// The job API's other dialect (the one of the "job execution system" description clients
/// are written against): `GET /api/jobs/` with `limit` and `start_key` answering a bare
/// array, `GET /api/jobs/running/all`, seed fields on `GET /api/jobs/{id}`, and the
/// `{"command", "data"}` WebSocket envelope (`WebSocketSession`). Same methods, same
/// semantics; only the shapes differ (GATEWAY.md, "Two dialects").
enum SeedDialect {
    /// One job as that dialect lists it. `workflow_id` is the score's name or the module id;
    /// there are no users and no costs here, so `user_id` and `cost` are null.
    struct Job: Encodable {
        var id: String
        var jobType: String
        var status: JobStatus
        var workflowID: String
        var createdAt: Date
        var startedAt: Date?
        var finishedAt: Date?
        var error: String?

        init(_ job: JobSummary) {
            id = job.jobID
            jobType = job.kind
            status = job.status
            workflowID = job.name
            createdAt = job.createdAt
            startedAt = job.startedAt
            finishedAt = job.finishedAt
            error = job.error
        }

        enum CodingKeys: String, CodingKey {
            case id, status, error, cost
            case userID = "user_id"
            case jobType = "job_type"
            case workflowID = "workflow_id"
            case createdAt = "created_at"
            case startedAt = "started_at"
            case finishedAt = "finished_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encodeNil(forKey: .userID)
            try container.encode(jobType, forKey: .jobType)
            try container.encode(status, forKey: .status)
            try container.encode(workflowID, forKey: .workflowID)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(startedAt, forKey: .startedAt)
            try container.encode(finishedAt, forKey: .finishedAt)
            try container.encode(error, forKey: .error)
            try container.encodeNil(forKey: .cost)
        }
    }

    /// A running job as `GET /api/jobs/running/all` lists it.
    struct RunningJob: Encodable {
        var jobID: String
        var status: JobStatus
        var workflowID: String
        var createdAt: Date
        var isRunning: Bool
        var isCompleted: Bool

        init(_ job: JobSummary) {
            jobID = job.jobID
            status = job.status
            workflowID = job.name
            createdAt = job.createdAt
            isRunning = job.status == .running
            isCompleted = job.status == .completed
        }

        enum CodingKeys: String, CodingKey {
            case status
            case jobID = "job_id"
            case workflowID = "workflow_id"
            case createdAt = "created_at"
            case isRunning = "is_running"
            case isCompleted = "is_completed"
        }
    }

    /// `GET /api/jobs/{id}`: this API's answer (`job`, `sheets`, ...) with that dialect's
    /// fields beside it, so clients of either read what they expect.
    struct Detail: Encodable {
        var result: JobStatusResult

        func encode(to encoder: any Encoder) throws {
            try result.encode(to: encoder)
            try Job(result.job).encode(to: encoder)
        }
    }

    /// Whether a `GET /api/jobs` request speaks that dialect: the trailing slash of its
    /// examples, or one of its parameters.
    static func wanted(_ request: Request) -> Bool {
        let query = Query(request)
        return request.uri.path.hasSuffix("/") || query.raw("start_key") != nil || query.raw("workflow_id") != nil
            || query.raw("user_id") != nil
    }

    /// `/api/jobs/` (with the slash) only lists: other methods are refused with 405.
    static func refuseOnListing(_ request: Request) throws {
        guard request.uri.path.hasSuffix("/") else { return }
        throw GatewayError(
            .methodNotAllowed, "method_not_allowed", "\(request.method) is not served on /api/jobs/; use GET (or /api/jobs without the slash)",
            headers: [.allow: "GET"]
        )
    }

    /// Most jobs `start_key` is looked for among.
    static let maxScan = 100_000

    /// `GET /api/jobs/?limit=N&start_key=ID[&workflow_id=NAME]`: newest first, the page after
    /// the job `start_key` names (the last id of the previous page), as a bare array.
    static func list(_ request: Request, calls: MethodCaller) async throws -> Response {
        let query = Query(request)
        let limit = try query.int("limit", in: 1...1000) ?? 100
        let start = query.string("start_key")
        let workflow = query.string("workflow_id")
        var found: [Job] = []
        var passed = start == nil
        var cursor: Int?
        var scanned = 0
        repeat {
            let page = try await calls.call(RPCMethods.jobList, ListParams(limit: 1000, cursor: cursor, all: true))
            for job in page.jobs {
                scanned += 1
                if !passed {
                    passed = job.jobID == start
                    continue
                }
                if let workflow, job.name != workflow { continue }
                found.append(Job(job))
                if found.count == limit { return JSONResponse.make(found) }
            }
            cursor = page.nextCursor
        } while cursor != nil && scanned < maxScan
        if !passed {
            throw GatewayError(.notFound, "job_not_found", "start_key \"\(start ?? "")\" is not a job id of this list; pass the last id of the previous page")
        }
        return JSONResponse.make(found)
    }

    static func running(calls: MethodCaller) async throws -> Response {
        let result = try await calls.call(RPCMethods.jobList, ListParams(status: [.running], limit: 1000))
        return JSONResponse.make(result.jobs.map(RunningJob.init))
    }
}
