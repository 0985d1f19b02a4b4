import Foundation
import MarianneProtocol
import MarianneCore

extension JobScheduler {
    /// Installed executable modules: `MZT_HOME/modules/<id>/module.json`.
    func installedModules() -> [String: (manifest: ModuleManifest, folder: String)] {
        let root = environment.home.modulesPath
        var found: [String: (ModuleManifest, String)] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] {
            let folder = (root as NSString).appendingPathComponent(name)
            if let manifest = try? ModuleManifest.load(folder: folder) {
                found[manifest.id] = (manifest, folder)
            }
        }
        return found
    }

    func listModules() -> ModuleListResult {
        var modules = builtinModules.values.map { ModuleInfo(manifest: $0.manifest, kind: "builtin", path: nil) }
        for (_, installed) in installedModules() where builtinModules[installed.manifest.id] == nil {
            modules.append(ModuleInfo(manifest: installed.manifest, kind: "executable", path: installed.folder))
        }
        return ModuleListResult(modules: modules.sorted { $0.id < $1.id })
    }

    /// Validates the manifest and copies the folder into the conductor's home.
    func installModule(_ params: ModuleInstallParams) throws -> ModuleInfo {
        let source = (params.path as NSString).standardizingPath
        guard params.path.hasPrefix("/"), !params.path.split(separator: "/").contains("..") else {
            throw RPCError(.invalidParams, "module path must be absolute with no '..': \(params.path)")
        }
        let manifest: ModuleManifest
        do {
            manifest = try ModuleManifest.load(folder: source)
        } catch let error as ModuleError {
            throw RPCError(.invalidParams, "invalid module: \(error)", data: .array(error.problems.map(JSONValue.string)))
        }
        if builtinModules[manifest.id] != nil {
            throw RPCError(.invalidParams, "module id \(manifest.id) is taken by a built-in module")
        }
        let target = (environment.home.modulesPath as NSString).appendingPathComponent(manifest.id)
        let staging = target + ".installing"
        do {
            try FileManager.default.createDirectory(atPath: environment.home.modulesPath, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(atPath: staging)
            try FileManager.default.copyItem(atPath: source, toPath: staging)
            try? FileManager.default.removeItem(atPath: target)
            try FileManager.default.moveItem(atPath: staging, toPath: target)
        } catch {
            throw RPCError(.internalError, "module could not be installed into \(target): \(error.localizedDescription)")
        }
        logger.info("module installed", metadata: ["module": "\(manifest.id)", "version": "\(manifest.version)"])
        return ModuleInfo(manifest: manifest, kind: "executable", path: target)
    }

    /// `job.start`: a module run, with inputs checked before anything runs.
    func startModule(_ params: StartModuleParams, checkpoint saved: JSONValue? = nil) throws -> SubmitResult {
        guard acceptingWork else { throw RPCError(.shuttingDown, "the conductor is shutting down; start the job again after it restarts") }
        guard let manifest = moduleManifest(params.moduleID) else {
            let known = listModules().modules.map(\.id).joined(separator: ", ")
            throw RPCError(.invalidParams, "no module \"\(params.moduleID)\"" + (known.isEmpty ? "; install one with `mzt module install PATH`" : " (known: \(known))"))
        }
        let resolved: (inputs: [String: JSONValue], settings: [String: JSONValue])
        do {
            resolved = try manifest.resolve(inputs: params.inputs ?? [:], settings: params.settings ?? [:])
        } catch let error as ModuleError {
            throw RPCError(.invalidParams, "invalid inputs for module \(manifest.id): \(error)", data: .array(error.problems.map(JSONValue.string)))
        }
        let jobID = params.id ?? manifest.id
        try Self.checkJobID(jobID)
        if let existing = try registry.job(jobID), !existing.jobStatus.isTerminal {
            throw RPCError(.alreadyRunning, "job \(jobID) is already \(existing.status); resume it with `mzt resume \(jobID)` or cancel it with `mzt cancel \(jobID)`, or run with --id NEW_ID")
        }
        var maxDuration: Double?
        if let text = params.maxDuration {
            do { maxDuration = try DurationParser.parse(text) } catch { throw RPCError(.invalidParams, "max_duration: \(error)") }
        }
        let workspace = ((environment.home.root as NSString).appendingPathComponent("jobs") as NSString).appendingPathComponent(jobID)
        let request = ModuleRunRequest(moduleID: manifest.id, inputs: resolved.inputs, settings: resolved.settings)
        let snapshot = String(decoding: try JSONEncoder.wire.encode(request), as: UTF8.self)
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: WorkspaceFiles.pauseSignal(workspace: workspace, jobID: jobID))
        try? FileManager.default.removeItem(atPath: WorkspaceFiles.cancelSignal(workspace: workspace, jobID: jobID))
        var checkpoint = JobCheckpoint(
            jobID: jobID, name: manifest.id, kind: "module", configHash: ConfigHash.of(snapshot), configSnapshot: snapshot,
            configPath: nil, workspace: workspace, totalSheets: 0, maxDurationSeconds: maxDuration, sheets: []
        )
        checkpoint.moduleCheckpoint = saved
        let checkpointPath = CheckpointStore.path(workspace: workspace, jobID: jobID)
        try CheckpointStore.write(checkpoint, to: checkpointPath)
        try registry.save(JobRow(
            id: jobID, kind: "module", name: manifest.id, status: JobStatus.pending.rawValue, workspace: workspace,
            configPath: nil, checkpointPath: checkpointPath, pid: nil, createdAt: Date().timeIntervalSince1970,
            startedAt: nil, finishedAt: nil, error: nil, currentSheet: nil, completedSheets: 0, totalSheets: 0,
            seq: try registry.nextSeq()
        ))
        resetHistory(jobID)
        appendLog(jobID, level: "INFO", message: "job queued (module \(manifest.id) \(manifest.version))")
        queue.append(jobID)
        dispatch()
        return SubmitResult(
            jobID: jobID, name: manifest.id, status: active[jobID] != nil ? .running : .pending, workspace: workspace,
            totalSheets: 0, queuePosition: queue.firstIndex(of: jobID).map { $0 + 1 }
        )
    }

    func moduleManifest(_ id: String) -> ModuleManifest? {
        builtinModules[id]?.manifest ?? installedModules()[id]?.manifest
    }

    /// The runner for a module job read back from its checkpoint.
    func moduleRunner(jobID: String, checkpoint: JobCheckpoint, checkpointPath: String) throws -> ModuleRunner {
        let request = try JSONDecoder.wire.decode(ModuleRunRequest.self, from: Data(checkpoint.configSnapshot.utf8))
        let module: JobModule
        if let builtin = builtinModules[request.moduleID] {
            module = builtin
        } else if let installed = installedModules()[request.moduleID] {
            let box = RunnerBox()
            module = ExecutableModule(
                manifest: installed.manifest, folder: installed.folder, workspace: checkpoint.workspace,
                killGrace: settings.killGraceSeconds, onStart: { child in await box.runner?.attach(child) }
            )
            let runner = ModuleRunner(jobID: jobID, module: module, request: request, checkpoint: checkpoint, checkpointPath: checkpointPath, events: self)
            box.runner = runner
            return runner
        } else {
            throw RPCError(.invalidState, "module \(request.moduleID) is no longer installed")
        }
        return ModuleRunner(jobID: jobID, module: module, request: request, checkpoint: checkpoint, checkpointPath: checkpointPath, events: self)
    }
}

/// Lets the executable module reach the runner created after it.
final class RunnerBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: ModuleRunner?

    var runner: ModuleRunner? {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
