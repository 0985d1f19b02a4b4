import Foundation
import Logging
import MarianneCore
import MarianneProtocol

/// The modules jobs can run: in-process ones an embedding program registers, and executable
/// ones installed into `MZT_HOME/modules/<id>/`. Every file operation runs off the
/// cooperative pool; an install copies only regular files and folders.
struct ModuleCatalog: Sendable {
    let root: String
    let builtin: [String: JobModule]
    let logger: Logger

    /// An install copies at most this much.
    static let maxInstallFiles = 10_000
    static let maxInstallBytes = 512 * 1024 * 1024

    init(root: String, modules: [JobModule], logger: Logger) {
        self.root = root
        self.builtin = Dictionary(modules.map { ($0.manifest.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.logger = logger
    }

    /// Installed executable modules by id.
    func installed() async -> [String: (manifest: ModuleManifest, folder: String)] {
        let root = self.root
        let found: [String: InstalledModule] = await OffPool.run {
            var found: [String: InstalledModule] = [:]
            for name in DirectoryNames.of(root) where !name.hasSuffix(".installing") {
                let folder = (root as NSString).appendingPathComponent(name)
                if let manifest = try? ModuleManifest.load(folder: folder) {
                    found[manifest.id] = InstalledModule(manifest: manifest, folder: folder)
                }
            }
            return found
        }
        return found.mapValues { ($0.manifest, $0.folder) }
    }

    func list() async -> ModuleListResult {
        var modules = builtin.values.map { ModuleInfo(manifest: $0.manifest, kind: "builtin", path: nil) }
        for (_, installed) in await installed() where builtin[installed.manifest.id] == nil {
            modules.append(ModuleInfo(manifest: installed.manifest, kind: "executable", path: installed.folder))
        }
        return ModuleListResult(modules: modules.sorted { $0.id < $1.id })
    }

    func manifest(_ id: String) async -> ModuleManifest? {
        if let module = builtin[id] { return module.manifest }
        return await installed()[id]?.manifest
    }

    /// Validates the manifest and copies the folder into the conductor's home.
    func install(path: String) async throws -> ModuleInfo {
        guard path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
            throw JobError.invalidParams("module path must be absolute with no '..': \(path)")
        }
        let source = (path as NSString).standardizingPath
        let manifest: ModuleManifest
        do {
            manifest = try await OffPool.run { try ModuleManifest.load(folder: source) }
        } catch let error as ModuleError {
            throw JobError.invalidModule("invalid module: \(error)", problems: error.problems)
        }
        if builtin[manifest.id] != nil {
            throw JobError.invalidParams("module id \(manifest.id) is taken by a built-in module")
        }
        let target = (root as NSString).appendingPathComponent(manifest.id)
        let root = self.root
        do {
            try await OffPool.run {
                try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                let staging = target + ".installing"
                try? FileManager.default.removeItem(atPath: staging)
                var budget = CopyBudget(files: Self.maxInstallFiles, bytes: Self.maxInstallBytes)
                do {
                    try Self.copyTree(source, to: staging, budget: &budget)
                } catch {
                    try? FileManager.default.removeItem(atPath: staging)
                    throw error
                }
                try? FileManager.default.removeItem(atPath: target)
                try FileManager.default.moveItem(atPath: staging, toPath: target)
            }
        } catch let error as JobError {
            throw error
        } catch {
            throw JobError.storage("module could not be installed into \(target): \(error)")
        }
        logger.info("module installed", metadata: ["module": "\(manifest.id)", "version": "\(manifest.version)"])
        return ModuleInfo(manifest: manifest, kind: "executable", path: target)
    }

    struct CopyBudget {
        var files: Int
        var bytes: Int
    }

    /// Copies regular files and folders only; a FIFO, device, socket or symlink is refused
    /// (reading a FIFO would block), and so is a tree over the budget.
    static func copyTree(_ source: String, to target: String, budget: inout CopyBudget) throws {
        var info = stat()
        guard lstat(source, &info) == 0 else { throw JobError.invalidParams("cannot read \(source)") }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            guard mkdir(target, 0o700) == 0 else { throw JobError.storage("cannot create \(target): \(String(cString: strerror(errno)))") }
            for name in DirectoryNames.of(source) {
                try copyTree((source as NSString).appendingPathComponent(name), to: (target as NSString).appendingPathComponent(name), budget: &budget)
            }
        case S_IFREG:
            budget.files -= 1
            budget.bytes -= Int(info.st_size)
            guard budget.files >= 0, budget.bytes >= 0 else {
                throw JobError.invalidParams("the module folder is too large to install (limits: \(maxInstallFiles) files, \(maxInstallBytes / 1_048_576) MB)")
            }
            try FileManager.default.copyItem(atPath: source, toPath: target)
            chmod(target, info.st_mode & 0o700)
        default:
            throw JobError.invalidParams("\(source) is not a regular file or folder (a symlink, FIFO, device or socket); modules may hold only files and folders")
        }
    }
}

private struct InstalledModule: Sendable {
    let manifest: ModuleManifest
    let folder: String
}
