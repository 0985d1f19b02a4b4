import Foundation
import MarianneCore
import MarianneTestSupport
import Testing

/// A real conductor on a temporary home plus a scratch directory for scores and workspaces.
final class JobFixture: @unchecked Sendable {
    let conductor: TestConductor
    let dir: TemporaryDirectory

    init(settings: String? = nil, environment: [String: String] = [:]) async throws {
        dir = try TemporaryDirectory(prefix: "mzt-jobs")
        conductor = try await TestConductor.start(settings: settings, environment: environment)
    }

    deinit {
        conductor.shutdown()
        dir.remove()
    }

    /// Writes a score file and returns its path.
    @discardableResult
    func score(_ name: String, _ yaml: String) throws -> String {
        let path = dir.file("\(name).yaml")
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func workspace(_ name: String) -> String { dir.file(name) }

    /// Runs `mzt` against this conductor.
    @discardableResult
    func mzt(_ arguments: String...) async throws -> CommandResult {
        try await conductor.run(arguments)
    }

    func status(_ id: String) async throws -> JobStatusResult {
        let result = try await conductor.run(["status", id, "--json"])
        try #require(result.exitCode == 0, "mzt status failed: \(result.stderr)")
        return try JobFixture.decoder.decode(JobStatusResult.self, from: Data(result.stdout.utf8))
    }

    func checkpoint(_ id: String, workspace: String) throws -> JobCheckpoint {
        try CheckpointStore.read(from: CheckpointStore.path(workspace: workspace, jobID: id))
    }

    /// Polls the job's status until `condition` holds.
    func waitForStatus(_ id: String, timeout: Double = 20, _ condition: @escaping (JobStatusResult) -> Bool) async throws {
        try await conductor.waitUntil(timeout: timeout) {
            guard let status = try? await self.status(id) else { return false }
            return condition(status)
        }
    }

    func waitForFile(_ path: String, lines: Int = 1, timeout: Double = 20) async throws {
        try await conductor.waitUntil(timeout: timeout) {
            Self.lines(path).count >= lines
        }
    }

    static let decoder: JSONDecoder = {
        JSONDecoder.wire
    }()

    static func lines(_ path: String) -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init)
    }

    /// The live processes whose working directory is `folder` or lies inside it.
    static func processes(inside folder: String) -> [Int32] {
        let root = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd") else { return false }
            return (cwd == root || cwd.hasPrefix(root + "/")) && isAlive(pid)
        }
    }

    static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        // A zombie is as good as gone.
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return !(stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? false)
    }
}

