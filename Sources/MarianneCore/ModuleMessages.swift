import Foundation
import MarianneProtocol

/// `module.list` result entry.
public struct ModuleInfo: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var version: String
    public var description: String?
    /// `executable` (installed folder) or `builtin` (registered in-process).
    public var kind: String
    public var path: String?
    public var inputs: [String: ModuleParameter]
    public var settings: [String: ModuleParameter]

    public init(manifest: ModuleManifest, kind: String, path: String?) {
        id = manifest.id
        name = manifest.name
        version = manifest.version
        description = manifest.description
        self.kind = kind
        self.path = path
        inputs = manifest.inputs
        settings = manifest.settings
    }
}

/// `module.list` result.
public struct ModuleListResult: Codable, Sendable, Equatable {
    public var modules: [ModuleInfo]

    public init(modules: [ModuleInfo]) {
        self.modules = modules
    }
}

/// `module.install` params.
public struct ModuleInstallParams: Codable, Sendable, Equatable {
    /// Absolute path of the module folder.
    public var path: String

    public init(path: String) {
        self.path = path
    }
}

/// `job.start` params: a module run.
public struct StartModuleParams: Codable, Sendable, Equatable {
    public var moduleID: String
    public var inputs: [String: JSONValue]?
    public var settings: [String: JSONValue]?
    public var maxDuration: String?
    public var id: String?
    /// As in `job.submit`: `false` refuses an id whose job has finished.
    public var replace: Bool?
    /// As in `job.submit`: group, label, jobs to wait for, delay.
    public var queue: QueueOptions?

    public init(
        moduleID: String, inputs: [String: JSONValue]? = nil, settings: [String: JSONValue]? = nil, maxDuration: String? = nil,
        id: String? = nil, replace: Bool? = nil, queue: QueueOptions? = nil
    ) {
        self.replace = replace
        self.queue = queue
        self.moduleID = moduleID
        self.inputs = inputs
        self.settings = settings
        self.maxDuration = maxDuration
        self.id = id
    }

    enum CodingKeys: String, CodingKey {
        case inputs, settings, id, replace, queue
        case moduleID = "module_id"
        case maxDuration = "max_duration"
    }
}

