import Foundation
import MarianneCore
import MarianneProtocol

/// A job about to be created: what the score and module paths have in common.
struct NewJob: Sendable {
    var id: String
    var kind: String
    var name: String
    var workspace: String
    var configPath: String?
    /// What will run: the score YAML or the module request JSON.
    var snapshot: String
    var sheets: [SheetState]
    var maxDuration: Double?
    var startSheet = 1
    var selfHealing = false
    var moduleCheckpoint: JSONValue?
    var chainDepth = 0
    var warnings: [String] = []
    var queuedMessage: String
    var loaded: LoadedScore?
    /// `false`: refuse an id whose job has ended (`true` or nil replaces it).
    var replace: Bool?
    var queue: QueueOptions?
}

/// The one way jobs come into being, for scores (`job.submit`) and modules (`job.start`):
/// checks, workspace, first checkpoint and registry row, the log, the queue.
struct JobSubmission: Sendable {
    let store: JobStore
    let log: JobLog
    let queue: JobQueue
    let catalog: ModuleCatalog
    let home: ConductorHome

    /// Longest `max_duration` accepted.
    static let maxDurationLimit = 366.0 * 86_400

    func submit(_ params: SubmitParams) async throws -> SubmitResult {
        let source = try scoreSource(params)
        // The conductor's profiles, read at each submission (a profile added since counts).
        let instruments = InstrumentCatalog.userDirectory(home: home.root)
        return try await create {
            let loaded = try Self.mappingLoadErrors {
                try source.load(InstrumentCatalog.load(directories: [instruments]))
            }
            return try Self.newJob(params, loaded: loaded)
        }
    }

    /// What a score submission creates, from its parsed score.
    static func newJob(_ params: SubmitParams, loaded: LoadedScore) throws -> NewJob {
        let maxDuration = try params.maxDuration.map(Self.duration) ?? loaded.score.maxDurationSeconds
        let startSheet = params.startSheet ?? 1
        guard startSheet >= 1, startSheet <= max(1, loaded.sheets.count) else {
            throw JobError.invalidParams("start_sheet \(startSheet) is out of range: the score has \(loaded.sheets.count) sheets")
        }
        var sheets = loaded.sheets.map { SheetState(number: $0.number) }
        for i in sheets.indices where sheets[i].number < startSheet {
            sheets[i].status = .completed
            sheets[i].error = "marked done by --start-sheet \(startSheet)"
        }
        let count = loaded.sheets.count
        return NewJob(
            id: params.id ?? loaded.score.name, kind: "score", name: loaded.score.name, workspace: loaded.workspace,
            configPath: loaded.path, snapshot: loaded.source, sheets: sheets, maxDuration: maxDuration,
            startSheet: startSheet, selfHealing: params.selfHealing ?? false, chainDepth: params.chainDepth ?? 0,
            warnings: loaded.warnings.map { "score: \($0)" }, queuedMessage: "job queued (\(count) sheet\(count == 1 ? "" : "s"))", loaded: loaded,
            replace: params.replace, queue: params.queue
        )
    }

    func startModule(_ params: StartModuleParams, checkpoint saved: JSONValue? = nil) async throws -> SubmitResult {
        guard await queue.isAccepting else { throw JobError.shuttingDown }
        guard let manifest = await catalog.manifest(params.moduleID) else {
            throw JobError.unknownModule(params.moduleID, known: await catalog.list().modules.map(\.id))
        }
        let resolved: (inputs: [String: JSONValue], settings: [String: JSONValue])
        do {
            resolved = try manifest.resolve(inputs: params.inputs ?? [:], settings: params.settings ?? [:])
        } catch let error as ModuleError {
            throw JobError.invalidModule("invalid inputs for module \(manifest.id): \(error)", problems: error.problems)
        }
        let id = params.id ?? manifest.id
        let request = ModuleRunRequest(moduleID: manifest.id, inputs: resolved.inputs, settings: resolved.settings)
        let job = NewJob(
            id: id, kind: "module", name: manifest.id,
            workspace: ((home.root as NSString).appendingPathComponent("jobs") as NSString).appendingPathComponent(id),
            snapshot: String(decoding: try JSONEncoder.wire.encode(request), as: UTF8.self), sheets: [],
            maxDuration: try params.maxDuration.map(Self.duration), moduleCheckpoint: saved,
            queuedMessage: "job queued (module \(manifest.id) \(manifest.version))", replace: params.replace, queue: params.queue
        )
        return try await create { job }
    }

    /// Workspace, first checkpoint, row, log, queue: the same for every kind of job. `make`
    /// (the score's parse, for a score) runs off the cooperative pool with the registry read
    /// and the workspace's preparation, in one step; the row, the queue options and the first
    /// checkpoint are written in one registry transaction. Without queue options that
    /// transaction is part of the same step: one thread woken per submission instead of two.
    private func create(_ make: @escaping @Sendable () throws -> NewJob) async throws -> SubmitResult {
        guard await queue.isAccepting else { throw JobError.shuttingDown }
        let (store, log) = (self.store, self.log)
        let (job, sharing, created) = try await OffPool.run { () throws -> (NewJob, [String], Created?) in
            let job = try make()
            try Self.checkJobID(job.id)
            let state: (existing: JobRow?, sharing: [String])
            do { state = try store.registry.readHere { db in try Registry.submissionState(job.id, workspace: job.workspace, db) } } catch {
                throw JobError.storage("the registry cannot be read: \(error)")
            }
            if let existing = state.existing {
                if !existing.jobStatus.isTerminal { throw JobError.alreadyActive(job.id, existing.jobStatus) }
                if job.replace == false { throw JobError.exists(job.id, existing.jobStatus) }
            }
            // With queue options, the workspace is prepared and the job created after their checks.
            guard job.queue?.isEmpty ?? true else { return (job, state.sharing, nil) }
            try WorkspacePreparation.prepareHere(job.workspace, jobID: job.id)
            let created = Created(job, sharing: state.sharing, admitted: nil)
            try store.createBlocking(created.row, checkpoint: created.checkpoint, log: log, entries: created.entries)
            return (job, state.sharing, created)
        }
        let admitted: QueueAdmission.Admitted?
        let made: Created
        if let created {
            (admitted, made) = (nil, created)
        } else {
            admitted = try await QueueAdmission(store: store, groups: queue.groups).admit(job.queue, jobID: job.id)
            if admitted != nil { try await WorkspacePreparation.prepare(job.workspace, jobID: job.id) }
            made = Created(job, sharing: sharing, admitted: admitted)
            try await store.create(made.row, checkpoint: made.checkpoint, queue: admitted?.row, log: log, entries: made.entries)
        }
        if let admitted {
            queue.groups.register(job.id, group: admitted.row.groupName, after: admitted.waitingFor, notBefore: admitted.notBefore)
        }
        let placed = await queue.enqueue(job.id, job: PreparedJob(row: made.row, checkpoint: made.checkpoint, loaded: job.loaded))
        return SubmitResult(
            jobID: job.id, name: job.name, status: placed.started ? .running : .pending, workspace: job.workspace,
            totalSheets: job.sheets.count, queuePosition: placed.position, warnings: made.warnings.isEmpty ? nil : made.warnings
        )
    }

    /// What a new job is stored as: its row, its first checkpoint, its first log entries.
    private struct Created: Sendable {
        var row: JobRow
        var checkpoint: JobCheckpoint
        var warnings: [String]
        var entries: [(level: String, message: String)]

        init(_ job: NewJob, sharing: [String], admitted: QueueAdmission.Admitted?) {
            var warnings = job.warnings
            if !sharing.isEmpty {
                warnings.append("workspace \(job.workspace) is also used by \(sharing.joined(separator: ", ")), which has not ended; both write there at once")
            }
            var checkpoint = JobCheckpoint(
                jobID: job.id, name: job.name, kind: job.kind, configHash: ConfigHash.of(job.snapshot), configSnapshot: job.snapshot,
                configPath: job.configPath, workspace: job.workspace, totalSheets: job.sheets.count,
                maxDurationSeconds: job.maxDuration, startSheet: job.startSheet, selfHealing: job.selfHealing, sheets: job.sheets
            )
            checkpoint.lastCompletedSheet = job.startSheet - 1
            checkpoint.moduleCheckpoint = job.moduleCheckpoint
            checkpoint.chainDepth = job.chainDepth > 0 ? job.chainDepth : nil
            row = JobRow(
                id: job.id, kind: job.kind, name: job.name, status: JobStatus.pending.rawValue, workspace: job.workspace,
                configPath: job.configPath, checkpointPath: CheckpointStore.path(workspace: job.workspace, jobID: job.id), pid: nil,
                createdAt: Date().timeIntervalSince1970, startedAt: nil, finishedAt: nil, error: nil, currentSheet: nil,
                completedSheets: job.startSheet - 1, totalSheets: job.sheets.count, seq: 0, configSnapshot: job.snapshot
            )
            // The job's first log entries start its history in the transaction that creates it.
            entries = warnings.map { (level: "WARNING", message: $0) }
            entries.append((level: "INFO", message: job.queuedMessage))
            if let admitted, !admitted.waitingFor.isEmpty {
                entries.append((level: "INFO", message: "waiting for \(admitted.waitingFor.sorted().joined(separator: ", ")) to complete"))
            }
            self.checkpoint = checkpoint
            self.warnings = warnings
        }
    }

    /// Where a submission's score comes from, checked: a file or inline text, with the
    /// workspace it asks for made absolute.
    struct ScoreSource: Sendable {
        var path: String?
        var content: String?
        var baseDirectory: String?
        var workspace: String?

        func load(_ instruments: InstrumentCatalog) throws -> LoadedScore {
            if let path { return try ScoreLoader.load(path: path, workspaceOverride: workspace, instruments: instruments) }
            return try ScoreLoader.load(yaml: content ?? "", baseDirectory: baseDirectory ?? "/", path: nil, workspaceOverride: workspace, instruments: instruments)
        }
    }

    private func scoreSource(_ params: SubmitParams) throws -> ScoreSource {
        if let base = params.baseDirectory, !base.hasPrefix("/") {
            throw JobError.invalidParams("base_directory must be absolute: \(base)")
        }
        var workspace = params.workspace
        if let given = workspace, !given.hasPrefix("/") {
            guard let base = params.baseDirectory else {
                throw JobError.invalidParams("workspace \(given) is relative; send base_directory (the client's working directory) or an absolute path")
            }
            workspace = given.absolutePath(relativeTo: base)
        }
        if let path = params.configPath {
            guard path.hasPrefix("/") else { throw JobError.invalidParams("config_path must be absolute: \(path)") }
            guard !path.split(separator: "/").contains("..") else { throw JobError.invalidParams("config_path must not contain '..': \(path)") }
            return ScoreSource(path: path, workspace: workspace)
        }
        guard let content = params.configContent else {
            throw JobError.invalidParams("job.submit needs config_path or config_content")
        }
        guard let base = params.baseDirectory else {
            throw JobError.invalidParams("job.submit with config_content needs base_directory (the client's working directory), against which the score's relative paths resolve")
        }
        return ScoreSource(content: content, baseDirectory: base, workspace: workspace)
    }

    /// The errors of a score's parse, as the wire reports them.
    private static func mappingLoadErrors(_ body: () throws -> LoadedScore) throws -> LoadedScore {
        do {
            return try body()
        } catch let error as ScoreValidationError {
            throw JobError.invalidScore(error.problems)
        } catch let error as ScoreReadError {
            throw JobError.invalidParams("\(error)")
        } catch let error as JobError {
            throw error
        } catch {
            throw JobError.invalidParams("\(error)")
        }
    }

    static func duration(_ text: String) throws -> Double {
        let seconds: Double
        do { seconds = try DurationParser.parse(text) } catch { throw JobError.invalidParams("max_duration: \(error)") }
        guard seconds.isFinite, seconds >= 0, seconds <= maxDurationLimit else {
            throw JobError.invalidParams("max_duration must be at most 366 days, got \(text)")
        }
        return seconds
    }

    /// A job id: 1 to 64 ASCII letters, digits, `.`, `_` and `-`, not starting with `.`.
    static func checkJobID(_ id: String) throws {
        let bytes = id.utf8
        guard !bytes.isEmpty, bytes.count <= 64, bytes.first != UInt8(ascii: "."), bytes.allSatisfy(isIDByte) else {
            throw JobError.invalidID(id)
        }
    }

    private static func isIDByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"): true
        default: false
        }
    }
}
