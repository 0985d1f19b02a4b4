import Foundation
import MarianneCore
import MarianneProtocol

/// The `job.*` and `module.*` methods: each decodes its params (the table does), calls the
/// engine, and returns the result; errors become wire errors in `RPCError(job:)`.
enum JobMethods {
    static func register(on table: MethodTable, scheduler: JobScheduler) {
        let (submission, control, queries, logs, catalog) = (scheduler.submission, scheduler.control, scheduler.queries, scheduler.logReader, scheduler.catalog)
        table.register(RPCMethods.jobSubmit) { params, _ in try await submission.submit(params) }
        table.register(RPCMethods.jobStart) { params, _ in try await submission.startModule(params) }
        table.register(RPCMethods.jobStatus) { params, _ in try await queries.status(params.jobID) }
        table.register(RPCMethods.jobList) { params, _ in try await queries.list(params) }
        table.register(RPCMethods.jobWait) { params, _ in try await queries.wait(params.jobID, timeout: params.timeout) }
        table.register(RPCMethods.jobHealth) { params, _ in try await queries.health(params.jobID) }
        table.register(RPCMethods.jobResults) { params, _ in try await queries.results(params.jobID) }
        table.register(RPCMethods.jobPause) { params, _ in try await control.pause(params.jobID, now: params.now == true) }
        table.register(RPCMethods.jobResume) { params, _ in try await control.resume(params.jobID, reload: params.reload == true) }
        table.register(RPCMethods.jobCancel) { params, _ in try await control.cancel(params.jobID) }
        table.register(RPCMethods.jobDelete) { params, _ in try await control.delete(params.jobID) }
        table.register(RPCMethods.jobClear) { params, _ in try await control.clear(statuses: params.status, olderThan: params.olderThan) }
        table.register(RPCMethods.jobLogs) { params, context in
            try await logs.read(params) { entry in
                try await context.notify(method: RPCMethod.logEntry, params: LogNotification(jobID: params.jobID, entry: entry))
            }
        }
        table.register(RPCMethods.moduleList) { _, _ in await catalog.list() }
        table.register(RPCMethods.moduleInstall) { params, _ in try await catalog.install(path: params.path) }
        let board = scheduler.board
        let logger = scheduler.logger
        table.register(RPCMethods.conductorClearRateLimits) { params, _ in
            let cleared = await board.clear(params.instrument.map(InstrumentResolver.canonical))
            for name in cleared { logger.info("rate limit cleared", metadata: ["instrument": "\(name)"]) }
            return ClearRateLimitsResult(cleared: cleared)
        }
    }
}
