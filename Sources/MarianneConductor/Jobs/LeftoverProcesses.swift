import Foundation
import Logging
import MarianneCore
import MarianneProtocol

/// Processes a job's runner left behind when it went away (a conductor crash, a
/// `pause --now` before one). Every process a job starts carries `MZT_JOB_ID=<job>` and
/// `MZT_CONDUCTOR=<home>` in its environment, so they are found by one scan of `/proc`,
/// whatever their process group or session, and whether or not the checkpoint that
/// recorded their groups can still be read; nothing else is ever touched.
enum LeftoverProcesses {
    /// The environment variable naming the conductor (its home) in every job process.
    static let conductorVariable = "MZT_CONDUCTOR"

    /// The conductor's own environment, read once (Foundation parses `environ` on every read).
    static let conductorEnvironment = ProcessInfo.processInfo.environment

    /// The base environment of a job's processes: the conductor's, plus its marker.
    static func baseEnvironment(home: String) -> [String: String] {
        var environment = conductorEnvironment
        environment[conductorVariable] = home
        return environment
    }

    /// Live processes of these jobs of this conductor, by job.
    static func find(jobs: Set<String>, home: String) -> [String: [Int32]] {
        guard !jobs.isEmpty else { return [:] }
        let conductor = Array("\(conductorVariable)=\(home)".utf8)
        let own = getpid()
        var found: [String: [Int32]] = [:]
        for pid in ProcFS.pids() where pid != own {
            guard ProcFS.state(pid: pid).map({ $0 != "Z" }) ?? false else { continue }
            var job: String?
            var ours = false
            for entry in ProcFS.environment(of: pid) {
                if entry.elementsEqual(conductor) { ours = true }
                if entry.starts(with: Array("MZT_JOB_ID=".utf8)) { job = String(decoding: entry.dropFirst(11), as: UTF8.self) }
            }
            if ours, let job, jobs.contains(job) { found[job, default: []].append(pid) }
        }
        return found
    }

    /// Stops the leftover processes of `jobs`: TERM (with CONT, for stopped ones), then KILL
    /// after `grace`.
    static func stop(jobs: Set<String>, home: String, grace: Double, logger: Logger) async {
        let found = await OffPool.run { find(jobs: jobs, home: home) }
        let pids = found.values.flatMap { $0 }
        guard !pids.isEmpty else { return }
        for (job, list) in found {
            logger.warning("stopping leftover processes", metadata: ["job": "\(job)", "pids": "\(list.map(String.init).joined(separator: ","))"])
        }
        for pid in pids {
            _ = kill(pid, SIGCONT)
            _ = kill(pid, SIGTERM)
        }
        let alive: @Sendable () -> [Int32] = { pids.filter { ProcFS.state(pid: $0).map { $0 != "Z" } ?? false } }
        let deadline = ContinuousClock.now + .clampedSeconds(grace)
        var pause = Duration.milliseconds(2)
        while ContinuousClock.now < deadline, !(await OffPool.run(alive)).isEmpty {
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(50))
        }
        for pid in await OffPool.run(alive) { _ = kill(pid, SIGKILL) }
        let killDeadline = ContinuousClock.now + .seconds(2)
        while ContinuousClock.now < killDeadline, !(await OffPool.run(alive)).isEmpty {
            try? await Task.sleep(for: .milliseconds(10))
        }
        ChildTable.shared.reapOrphans()
    }
}
