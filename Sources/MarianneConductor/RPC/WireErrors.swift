import Foundation
import MarianneCore
import MarianneProtocol

extension RPCError {
    /// The wire form of a job error, with what a `mzt` user can do about it. The one place
    /// domain errors become wire errors.
    public init(job error: JobError) {
        switch error {
        case .notFound(let id):
            self.init(.jobNotFound, "no job \"\(id)\"; see `mzt list --all` for the known jobs")
        case .invalidID:
            self.init(.invalidParams, error.description)
        case .alreadyActive(let id, let status):
            let first = status == .paused
                ? "resume it with `mzt resume \(id)`" : "wait for it with `mzt wait \(id)`"
            self.init(
                .alreadyRunning,
                "job \(id) is already \(status.rawValue); \(first), cancel it with `mzt cancel \(id)`, or submit with --id NEW_ID"
            )
        case .exists(let id, let status):
            self.init(
                .jobExists,
                "job \(id) already exists (\(status.rawValue)); submit with --replace to replace it (its log and results are lost), "
                    + "with --id NEW_ID to keep it, or run it again as a new job with `mzt restart-job \(id)`"
            )
        case .invalidState(let id, let status, let operation):
            var message = "job \(id) is \(status.rawValue); \(operation.requirement)"
            if operation == .resume, status == .completed { message = "job \(id) already completed; submit the score again to start a fresh run" }
            if operation == .resume, status == .running || status == .pending { message = "job \(id) is \(status.rawValue); there is nothing to resume" }
            if operation == .pause { message = "job \(id) is \(status.rawValue), not running; only a running or pending job can be paused" }
            self.init(.invalidState, message)
        case .shuttingDown:
            self.init(.shuttingDown, "the conductor is shutting down; try again after it restarts")
        case .invalidScore(let problems):
            let errors = problems.filter { $0.severity == .error }
            let data = JSONValue.array(errors.map { problem in
                var object: [String: JSONValue] = ["code": .string(problem.code), "message": .string(problem.message)]
                if let line = problem.line { object["line"] = .int(line) }
                if let column = problem.column { object["column"] = .int(column) }
                if let hint = problem.hint { object["hint"] = .string(hint) }
                return .object(object)
            })
            self.init(.invalidScore, error.description, data: data)
        case .invalidParams(let message):
            self.init(.invalidParams, message)
        case .workspace(let message):
            self.init(.workspaceInvalid, message)
        case .checkpoint(let message):
            self.init(.invalidState, message)
        case .unknownModule(let id, let known):
            self.init(.invalidParams, "no module \"\(id)\"" + (known.isEmpty ? "; install one with `mzt module install PATH`" : " (known: \(known.joined(separator: ", ")))"))
        case .invalidModule(let message, let problems):
            self.init(.invalidParams, message, data: .array(problems.map(JSONValue.string)))
        case .storage(let message):
            self.init(.internalError, message + "; see `mzt conductor-status`")
        }
    }
}
