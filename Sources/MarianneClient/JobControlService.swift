import Foundation
import MarianneProtocol

/// A config the client refuses before sending it.
public struct ConfigPathError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String
}

/// Job lifecycle control through the conductor. Every call goes over the socket; when the
/// conductor is down, every call throws `ClientError.conductorNotRunning`.
public final class JobControlService: Sendable {
    public let client: DaemonClient

    /// Where inline config content is written before it is sent (default `$TMPDIR`, else /tmp).
    public let temporaryDirectory: String

    public init(client: DaemonClient, temporaryDirectory: String? = nil) {
        self.client = client
        self.temporaryDirectory = temporaryDirectory ?? ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
    }

    /// Submits a score by path, or inline content (written to a private temp file that is
    /// always removed afterwards).
    public func startJob(
        configPath: String? = nil, configContent: String? = nil, workspace: String? = nil, startSheet: Int = 1,
        selfHealing: Bool = false
    ) async throws -> SubmitResult {
        if let configContent {
            let path = try Self.writeTemporaryConfig(configContent, in: temporaryDirectory)
            defer { unlink(path) }
            return try await submit(path: path, workspace: workspace, startSheet: startSheet, selfHealing: selfHealing)
        }
        guard let configPath else { throw ConfigPathError(description: "give a config path or config content") }
        let absolute = try Self.checkedPath(configPath)
        return try await submit(path: absolute, workspace: workspace, startSheet: startSheet, selfHealing: selfHealing)
    }

    private func submit(path: String, workspace: String?, startSheet: Int, selfHealing: Bool) async throws -> SubmitResult {
        let cwd = FileManager.default.currentDirectoryPath
        let params = SubmitParams(
            configPath: path, workspace: workspace.map { $0.absolutePath(relativeTo: cwd) }, startSheet: startSheet,
            selfHealing: selfHealing, baseDirectory: cwd
        )
        return try await client.call(RPCMethods.jobSubmit, params)
    }

    public func pauseJob(_ jobID: String) async throws -> JobActionResult {
        try await client.call(RPCMethods.jobPause, PauseParams(jobID: jobID))
    }

    public func resumeJob(_ jobID: String) async throws -> JobActionResult {
        try await client.call(RPCMethods.jobResume, ResumeParams(jobID: jobID))
    }

    public func cancelJob(_ jobID: String) async throws -> JobActionResult {
        try await client.call(RPCMethods.jobCancel, JobIDParams(jobID: jobID))
    }

    public func deleteJob(_ jobID: String) async throws -> Bool {
        try await client.call(RPCMethods.jobDelete, JobIDParams(jobID: jobID)).deleted
    }

    public func verifyProcessHealth(_ jobID: String) async throws -> ProcessHealth {
        try await client.call(RPCMethods.jobHealth, JobIDParams(jobID: jobID))
    }

    /// A config path must name an existing .yaml/.yml file and have no `..` component.
    public static func checkedPath(_ path: String) throws -> String {
        guard path.hasSuffix(".yaml") || path.hasSuffix(".yml") else {
            throw ConfigPathError(description: "config path must end in .yaml or .yml: \(path)")
        }
        guard !path.split(separator: "/").contains("..") else {
            throw ConfigPathError(description: "config path must not contain '..': \(path)")
        }
        let absolute = path.absolutePath(relativeTo: FileManager.default.currentDirectoryPath)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw ConfigPathError(description: "config file not found: \(path)")
        }
        return absolute
    }


    /// Writes content to a new 0600 file under the temp directory.
    static func writeTemporaryConfig(_ content: String, in base: String) throws -> String {
        var template = Array("\(base)/mzt-config-XXXXXX.yaml".utf8CString)
        let fd = mkstemps(&template, 5)
        guard fd >= 0 else { throw ConfigPathError(description: "cannot create a temporary config file in \(base)") }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let path = String(cString: template)
        let bytes = Array(content.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else {
            unlink(path)
            throw ConfigPathError(description: "cannot write the temporary config file \(path)")
        }
        return path
    }
}
