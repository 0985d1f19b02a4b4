import Foundation
import MarianneTestSupport
import Testing

/// A real one-node Slurm cluster (scripts/slurm-cluster.sh) in a short temporary folder,
/// on free ports, for the Slurm suite: started once before its tests, stopped after them
/// even when they fail.
final class SlurmCluster: Sendable {
    let dir: String
    let ctldPort: Int
    let slurmdPort: Int
    var conf: String { dir + "/etc/slurm.conf" }
    /// What a conductor (and a Slurm client) needs to reach the cluster.
    var environment: [String: String] { ["SLURM_CONF": conf] }

    /// CPUs the node declares: enough for the suite's tests to run side by side.
    static let cpus = 16

    @TaskLocal static var current: SlurmCluster?

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/slurm-cluster.sh").path
    }

    /// The suite runs unless MZT_SKIP_SLURM=1 (a machine where Slurm cannot be installed).
    static var enabled: Bool { ProcessInfo.processInfo.environment["MZT_SKIP_SLURM"] != "1" }

    private init(dir: String, ctldPort: Int, slurmdPort: Int) {
        self.dir = dir
        self.ctldPort = ctldPort
        self.slurmdPort = slurmdPort
    }

    static func up() async throws -> SlurmCluster {
        var template = Array("/tmp/mzs-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TestFailure("no temporary folder for the cluster") }
        let dir = String(cString: made)
        chmod(dir, 0o755)
        let ports = try freePorts(2)
        let cluster = SlurmCluster(dir: dir, ctldPort: ports[0], slurmdPort: ports[1])
        let result = try await cluster.script(["up"], extra: ["SLURM_CLUSTER_PROBE": "1", "SLURM_CLUSTER_CPUS": "\(cpus)"])
        guard result.exitCode == 0 else {
            _ = try? await cluster.script(["down"])
            try? FileManager.default.removeItem(atPath: dir)
            throw TestFailure("slurm-cluster.sh up failed (\(result.exitCode)): \(result.stderr)")
        }
        return cluster
    }

    func down() async {
        let result = try? await script(["down"])
        if result?.exitCode == 0 { try? FileManager.default.removeItem(atPath: dir) }
    }

    @discardableResult
    func script(_ arguments: [String], extra: [String: String] = [:]) async throws -> CommandResult {
        var environment = extra
        environment["SLURM_CLUSTER_CTLD_PORT"] = "\(ctldPort)"
        environment["SLURM_CLUSTER_SLURMD_PORT"] = "\(slurmdPort)"
        return try await TestConductor.run("/bin/bash", [Self.script] + arguments + [dir], environment: environment, timeout: 120)
    }

    /// Runs a Slurm client command against this cluster.
    func client(_ tool: String, _ arguments: [String]) async throws -> CommandResult {
        try await TestConductor.run("/usr/bin/env", [tool] + arguments, environment: environment, timeout: 30)
    }

    /// The jobs among `ids` Slurm has not finished (PENDING, RUNNING, SUSPENDED, ...).
    func activeJobs(_ ids: [String]) async throws -> [String] {
        guard !ids.isEmpty else { return [] }
        let result = try await client("squeue", ["-h", "-j", ids.joined(separator: ","), "-O", "JobID:|,State:|"])
        return result.stdout.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    /// The comment Slurm keeps for a job.
    func comment(of id: String) async throws -> String {
        let result = try await client("squeue", ["-h", "-t", "all", "-j", id, "-O", "Comment:|"])
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).trimmingCharacters(in: CharacterSet(charactersIn: "|"))
    }

    private static func freePorts(_ count: Int) throws -> [Int] {
        var sockets: [Int32] = []
        defer { for fd in sockets { close(fd) } }
        var ports: [Int] = []
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw TestFailure("no socket for a free port") }
            sockets.append(fd)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
            guard bound == 0 else { throw TestFailure("cannot bind a free port") }
            let named = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
            guard named == 0 else { throw TestFailure("cannot read a bound port") }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        return ports
    }
}

/// Starts a cluster for the suite it is attached to, and stops it after the suite.
struct SlurmClusterTrait: SuiteTrait, TestScoping {
    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let cluster = try await SlurmCluster.up()
        do {
            try await SlurmCluster.$current.withValue(cluster) { try await function() }
        } catch {
            await cluster.down()
            throw error
        }
        await cluster.down()
    }
}

extension Trait where Self == SlurmClusterTrait {
    /// A real Slurm cluster for the suite (see SlurmCluster).
    static var slurmCluster: SlurmClusterTrait { SlurmClusterTrait() }
}
