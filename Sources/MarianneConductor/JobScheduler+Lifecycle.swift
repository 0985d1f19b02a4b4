import Foundation
import MarianneProtocol
import MarianneCore

extension JobScheduler: JobService {
    public nonisolated func registerMethods(on router: Router) {
        router.register(RPCMethod.jobSubmit, SubmitParams.self) { params, _ in try await self.submit(params) }
        router.register(RPCMethod.jobStatus, JobIDParams.self) { params, _ in try await self.status(params) }
        router.register(RPCMethod.jobList, ListParams.self) { params, _ in try await self.list(params) }
        router.register(RPCMethod.jobPause, PauseParams.self) { params, _ in try await self.pause(params) }
        router.register(RPCMethod.jobResume, ResumeParams.self) { params, _ in try await self.resume(params) }
        router.register(RPCMethod.jobCancel, JobIDParams.self) { params, _ in try await self.cancel(params) }
        router.register(RPCMethod.jobDelete, JobIDParams.self) { params, _ in try await self.delete(params) }
        router.register(RPCMethod.jobClear, ClearParams.self) { params, _ in try await self.clear(params) }
        router.register(RPCMethod.jobWait, WaitParams.self) { params, _ in try await self.wait(params) }
        router.register(RPCMethod.jobHealth, JobIDParams.self) { params, _ in try await self.health(params) }
        router.register(RPCMethod.jobLogs, LogsParams.self) { params, context in try await self.logs(params, context: context) }
        router.register(RPCMethod.jobResults, JobIDParams.self) { params, _ in try await self.results(params) }
        router.register(RPCMethod.jobStart, StartModuleParams.self) { params, _ in try await self.startModule(params) }
        router.register(RPCMethod.moduleList, Empty.self) { _, _ in await self.listModules() }
        router.register(RPCMethod.moduleInstall, ModuleInstallParams.self) { params, _ in try await self.installModule(params) }
    }

    public func summary() async -> JobsSummary {
        JobsSummary(
            jobsByStatus: (try? registry.counts()) ?? [:],
            runningJobs: active.keys.sorted(),
            modules: listModules().modules.map(\.id),
            recoveredJobs: recoveredJobs
        )
    }

    /// Resumes every job a previous conductor left `running` or `pending`. A sheet that was
    /// mid-attempt runs again (at-least-once); its leftover process group is killed first.
    /// Paused jobs stay paused. A job whose checkpoint cannot be read fails alone.
    public func recoverInterruptedJobs() async -> Int {
        cleanupOldJobs()
        startCleanupTimer()
        let rows: [JobRow]
        do {
            rows = try registry.jobs(withStatus: [.running, .pending])
        } catch {
            logger.error("registry could not be read for recovery", metadata: ["error": "\(error)"])
            return 0
        }
        var recovered = 0
        for row in rows where active[row.id] == nil && !queue.contains(row.id) {
            // Attempts the dead conductor left running are stopped first, so two copies never run.
            for group in (row.processGroups ?? "").split(separator: ",").compactMap({ Int32($0) })
            where ProcessGroups.belongsToJob(group, jobID: row.id) {
                logger.warning("killing leftover process group", metadata: ["job": "\(row.id)", "pgid": "\(group)"])
                await ProcessGroups.kill(group, grace: settings.killGraceSeconds)
            }
            try? registry.setProcessGroups(row.id, [])
            let path = row.checkpointPath ?? CheckpointStore.path(workspace: row.workspace, jobID: row.id)
            do {
                var checkpoint = try CheckpointStore.read(from: path)
                for i in checkpoint.sheets.indices where checkpoint.sheets[i].status == .running {
                    if let group = checkpoint.sheets[i].processGroup, ProcessGroups.belongsToJob(group, jobID: row.id) {
                        logger.warning("killing leftover process group", metadata: ["job": "\(row.id)", "pgid": "\(group)"])
                        await ProcessGroups.kill(group, grace: settings.killGraceSeconds)
                    }
                    checkpoint.sheets[i].status = .pending
                    checkpoint.sheets[i].processGroup = nil
                }
                checkpoint.status = .pending
                try CheckpointStore.write(checkpoint, to: path)
                try setStatus(row.id, .pending, pausedByUser: false, checkpointToo: false)
                queue.append(row.id)
                appendLog(row.id, level: "INFO", message: "job recovered after a conductor restart; it resumes from its checkpoint")
                recovered += 1
            } catch {
                logger.error("job could not be recovered", metadata: ["job": "\(row.id)", "error": "\(error)"])
                try? finishRow(row.id, status: .failed, error: "not recovered: checkpoint \(path) could not be read: \(error)")
                appendLog(row.id, level: "ERROR", message: "job not recovered: checkpoint \(path) could not be read: \(error)")
            }
        }
        recoveredJobs = recovered
        if recovered > 0 { logger.info("interrupted jobs resumed", metadata: ["count": "\(recovered)"]) }
        dispatch()
        return recovered
    }

    /// Removes old finished jobs every hour (or every `cleanup_age`, when that is shorter).
    private func startCleanupTimer() {
        guard cleanupTask == nil, let age = settings.cleanupAgeSeconds else { return }
        let interval = UInt64(max(0.5, min(3600, age)) * 1e9)
        cleanupTask = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: interval)
                await self?.cleanupOldJobs()
            }
        }
    }

    /// Stops accepting work and stops running jobs so that they stay resumable: their
    /// in-flight sheets are stopped and will run again when the next conductor starts.
    public func shutdown(grace: Double) async {
        acceptingWork = false
        cleanupTask?.cancel()
        let running = active
        for (id, job) in running {
            logger.info("stopping job for shutdown", metadata: ["job": "\(id)"])
            await job.runner?.requestStop(.shutdown)
        }
        // Runners checkpoint as soon as their processes are gone; do not wait for ever.
        let tasks = running.values.compactMap(\.task)
        let bound = grace + settings.killGraceSeconds
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for task in tasks { await task.value }
            }
            group.addTask {
                try? await Task.sleep(nanoseconds: UInt64(bound * 1e9))
            }
            await group.next()
            group.cancelAll()
        }
    }
}
