import Foundation
import MarianneCore
import MarianneProtocol

/// The methods of the queue and of what jobs run: `job.output`, `job.signal`, `job.restart`,
/// `job.move`, `job.config`, `job.edit`, `job.recover` and `group.*`.
enum QueueMethods {
    static func register(on table: MethodTable, scheduler: JobScheduler) {
        let store = scheduler.store, queue = scheduler.queue, log = scheduler.log
        let home = scheduler.environment.home.root, grace = scheduler.settings.killGraceSeconds
        let output = JobOutput(store: store)
        let signals = JobSignals(store: store, log: log, home: home)
        let revisions = JobRevisions(store: store, queue: queue, submission: scheduler.submission, control: scheduler.control, log: log)
        let groups = GroupControl(store: store, queue: queue)
        let recover = JobRecover(store: store, queue: queue, log: log, waiters: scheduler.waiters, killGrace: grace, home: home)
        table.register(RPCMethods.jobOutput) { params, _ in try await output.read(params) }
        table.register(RPCMethods.jobSignal) { params, _ in try await signals.send(params) }
        table.register(RPCMethods.jobRestart) { params, _ in try await revisions.restart(params) }
        table.register(RPCMethods.jobConfig) { params, _ in try await revisions.config(params.jobID) }
        table.register(RPCMethods.jobEdit) { params, _ in try await revisions.edit(params) }
        table.register(RPCMethods.jobRecover) { params, _ in try await recover.recover(params) }
        table.register(RPCMethods.jobMove) { params, _ in
            _ = try await store.row(params.jobID)
            guard await queue.move(params.jobID, to: params.position) else {
                throw JobError.invalidParams("job \(params.jobID) is not waiting in the queue; only a pending job can be moved")
            }
            return MoveResult(jobID: params.jobID, position: await queue.position(params.jobID) ?? 0)
        }
        table.register(RPCMethods.groupList) { _, _ in try await groups.list() }
        table.register(RPCMethods.groupAdd) { params, _ in try await groups.add(params) }
        table.register(RPCMethods.groupRemove) { params, _ in try await groups.remove(params) }
        table.register(RPCMethods.groupParallel) { params, _ in try await groups.parallel(params) }
    }
}
