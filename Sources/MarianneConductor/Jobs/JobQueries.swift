import Foundation
import MarianneCore
import MarianneProtocol

/// What `job.status`, `job.list`, `job.wait`, `job.health` and `job.results` answer: from
/// the registry, and for a running job from its runner (fresher than its checkpoint file).
struct JobQueries: Sendable {
    let store: JobStore
    let queue: JobQueue
    let waiters: JobWaiters
    let plans: PlanCache

    /// Longest `job.wait` timeout accepted (a year).
    static let maxWaitSeconds = 366.0 * 86_400

    func summary(of row: JobRow) async -> JobSummary {
        await summaries(of: [row])[0]
    }

    /// Rows as listings show them: with the queue position, the group and holds, the time
    /// run so far, and the pid of the job's own process while one runs (never the conductor's).
    func summaries(of rows: [JobRow], details known: RowDetails? = nil) async -> [JobSummary] {
        let ids = rows.map(\.id)
        let details: RowDetails
        if let known { details = known } else { details = (try? await store.registry.details(ids)) ?? RowDetails() }
        let (options, ran) = (details.queue, details.ran)
        let placements = await queue.placements(of: ids)
        var result: [JobSummary] = []
        result.reserveCapacity(rows.count)
        for row in rows {
            var summary = row.summary(queuePosition: placements[row.id]?.position)
            summary.pid = nil
            summary.runningSeconds = ran[row.id]
            if let runner = placements[row.id]?.runner {
                summary.pid = await runner.currentPID()
                summary.runningSeconds = await runner.snapshot().elapsedSeconds
            }
            if let option = options[row.id] {
                summary.group = option.groupName ?? JobGroups.defaultGroup
                summary.label = option.label
                summary.command = option.command
                if !row.jobStatus.isTerminal, row.jobStatus != .running {
                    let holds = queue.groups.holds(of: row.id)
                    summary.after = holds.after.isEmpty ? nil : holds.after
                    summary.notBefore = holds.notBefore.flatMap { $0 > Date() ? $0 : nil }
                }
            }
            result.append(summary)
        }
        return result
    }

    func status(_ id: String) async throws -> JobStatusResult {
        // A running job's state is its runner's; an idle job's row and checkpoint are read at once.
        let row: JobRow
        let details: RowDetails
        var checkpoint: JobCheckpoint?
        if let live = await queue.liveJob(id)?.runner?.snapshot() {
            (row, details) = try await store.rowWithDetails(id)
            checkpoint = live
        } else {
            (row, details, checkpoint) = try await store.idleJob(id)
        }
        var sheets: [SheetSummary] = []
        var elapsed: Double?
        var limit: Double?
        if let checkpoint {
            let dependencies = await dependencies(id, row: row, checkpoint: checkpoint)
            sheets = checkpoint.sheets.map { state in
                var sheet = SheetSummary(
                    number: state.number, status: state.status, attempts: state.attempts, startedAt: state.startedAt,
                    finishedAt: state.finishedAt, exitCode: state.exitCode, signal: state.signal, error: state.error,
                    stderrTail: state.stderrTail, dependencies: dependencies[state.number] ?? [],
                    slurmJobID: state.slurm?.jobID, slurmState: state.slurm?.state, slurmReason: state.slurm?.reason
                )
                sheet.addInstrument(state)
                return sheet
            }
            elapsed = checkpoint.elapsedSeconds
            limit = checkpoint.maxDurationSeconds
        }
        var result = JobStatusResult(job: await summaries(of: [row], details: details)[0], sheets: sheets, elapsedSeconds: elapsed, maxDurationSeconds: limit)
        if let usage = checkpoint?.usage {
            (result.inputTokens, result.outputTokens, result.costUSD) = (usage.inputTokens, usage.outputTokens, usage.costUSD)
        }
        return result
    }

    /// Sheet dependencies, parsed once per job and score version.
    private func dependencies(_ id: String, row: JobRow, checkpoint: JobCheckpoint) async -> [Int: [Int]] {
        guard checkpoint.kind == "score" else { return [:] }
        let snapshot = store.snapshot(of: row, checkpoint: checkpoint)
        let hash = ConfigHash.of(snapshot)
        if let known = plans.dependencies(id, hash: hash) { return known }
        guard let loaded = try? await JobStarter.parse(snapshot: snapshot, checkpoint: checkpoint) else { return [:] }
        plans.remember(id, loaded)
        return plans.dependencies(id, hash: hash) ?? [:]
    }

    func list(_ params: ListParams) async throws -> ListResult {
        let limit = min(max(params.limit ?? 100, 1), 1000)
        let recent = params.all == true || params.status != nil ? nil : Date().timeIntervalSince1970 - 86_400
        let rows: [JobRow]
        let details: RowDetails
        do {
            (rows, details) = try await store.registry.listing(
                statuses: params.status, nameContains: params.name, finishedAfter: recent, limit: limit + 1, before: params.cursor, detailed: limit
            )
        } catch {
            throw JobError.storage("the registry cannot be read: \(error)")
        }
        let page = rows.prefix(limit)
        let jobs = await summaries(of: Array(page), details: details)
        return ListResult(jobs: jobs, nextCursor: rows.count > limit ? page.last?.seq : nil)
    }

    /// Waits until the job is terminal or paused (or `timeout` seconds pass). Each look reads
    /// the row with what its summary adds in one read: the answer needs no read of its own.
    func wait(_ id: String, timeout: Double?) async throws -> WaitResult {
        if let timeout, !(timeout.isFinite && timeout >= 0 && timeout <= Self.maxWaitSeconds) {
            throw JobError.invalidParams("timeout must be between 0 and \(Int(Self.maxWaitSeconds)) seconds")
        }
        let settled: (JobStatus) -> Bool = { $0.isTerminal || $0 == .paused }
        let deadline = timeout.map { ContinuousClock.now + .clampedSeconds($0) }
        while true {
            let ticket = waiters.ticket(for: id)
            let (row, details): (JobRow, RowDetails)
            do { (row, details) = try await store.rowWithDetails(id) } catch {
                waiters.discard(ticket)
                throw error
            }
            if settled(row.jobStatus) {
                waiters.discard(ticket)
                return WaitResult(job: await summaries(of: [row], details: details)[0], timedOut: false)
            }
            var left = 60.0
            if let deadline {
                let remaining = deadline - ContinuousClock.now
                if remaining <= .zero {
                    waiters.discard(ticket)
                    return WaitResult(job: await summaries(of: [row], details: details)[0], timedOut: true)
                }
                left = min(left, Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18)
            }
            await ticket.wait(timeout: left)
        }
    }

    func health(_ id: String) async throws -> ProcessHealth {
        _ = try await store.row(id)
        guard let runner = await queue.liveJob(id)?.runner, let pid = await runner.currentPID() else {
            return ProcessHealth(pid: nil, isAlive: false, isZombie: false, processExists: false)
        }
        return await OffPool.run { ProcFS.health(pid: pid) }
    }

    func results(_ id: String) async throws -> ResultsResult {
        _ = try await store.row(id)
        do {
            return ResultsResult(jobID: id, results: try await store.registry.results(id))
        } catch {
            throw JobError.storage("the registry cannot be read: \(error)")
        }
    }
}
