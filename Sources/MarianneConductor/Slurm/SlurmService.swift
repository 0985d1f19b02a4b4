import Foundation
import MarianneCore
import MarianneProtocol

/// The conductor's link to Slurm: the client calls, the one poller shared by every runner,
/// and what `conductor.status` reports. One per process (`shared`); tests make their own.
final class SlurmService: Sendable {
    /// The service of this process, using the programs on the conductor's PATH.
    static let shared = SlurmService(commands: SlurmCommandLine())

    let client: SlurmClient
    let monitor: SlurmMonitor
    private let health: SlurmHealth

    init(
        commands: any SlurmCommandRunning, minInterval: Duration = .milliseconds(200), maxInterval: Duration = .seconds(5), goneAfter: Duration = .seconds(10),
        healthMaxAge: Double = 10
    ) {
        client = SlurmClient(commands: commands)
        monitor = SlurmMonitor(client: client, minInterval: minInterval, maxInterval: maxInterval, goneAfter: goneAfter)
        health = SlurmHealth(client: client, maxAge: healthMaxAge)
    }

    /// Whether sbatch is on the PATH and the cluster answers (cached a few seconds).
    func reachability(environment: [String: String] = ProcessInfo.processInfo.environment) async -> SlurmReachability {
        var answer = await health.check(environment: environment)
        answer.followedJobs = await monitor.followedCount
        return answer
    }
}

/// `scontrol ping`, at most every `maxAge` seconds, with the answer kept meanwhile. A
/// caller waits at most `patience` seconds for a fresh answer (a controller that is down
/// makes the ping wait for its timeout), then gets the last one.
actor SlurmHealth {
    let client: SlurmClient
    let maxAge: Double
    let patience: Double
    private var last: (at: ContinuousClock.Instant, answer: SlurmReachability, configuration: String)?
    private var probing: Task<SlurmReachability, Never>?

    init(client: SlurmClient, maxAge: Double = 10, patience: Double = 1) {
        self.client = client
        self.maxAge = maxAge
        self.patience = patience
    }

    func check(environment: [String: String]) async -> SlurmReachability {
        let sbatch = try? ExecutableLookup.resolve(SlurmTool.sbatch.rawValue, path: environment["PATH"])
        guard let sbatch else {
            return SlurmReachability(
                sbatch: nil, clusterAnswers: false,
                message: "sbatch is not on the conductor's PATH: sheets with executor slurm fail at submission (install Slurm's client commands, or use executor: local)"
            )
        }
        guard let configuration = Self.configuration(environment: environment) else {
            return SlurmReachability(
                sbatch: sbatch, clusterAnswers: false,
                message: "sbatch is at \(sbatch) but there is no Slurm configuration (set SLURM_CONF, or create /etc/slurm/slurm.conf)"
            )
        }
        if let last, ContinuousClock.now - last.at < .seconds(maxAge), last.answer.sbatch == sbatch, last.configuration == configuration {
            return aged(last)
        }
        // A ping already under way (a controller that does not answer): the last answer.
        if probing != nil, let last { return aged(last) }
        let task = probing ?? Task { await self.probe(sbatch: sbatch, configuration: configuration) }
        probing = task
        let fresh = await withTaskGroup(of: SlurmReachability?.self) { race in
            race.addTask { await task.value }
            race.addTask { [patience] in
                try? await Task.sleep(for: .seconds(patience))
                return nil
            }
            let first = await race.next() ?? nil
            race.cancelAll()
            return first
        }
        if let fresh { return fresh }
        if let last { return aged(last) }
        return SlurmReachability(sbatch: sbatch, clusterAnswers: false, message: "the Slurm controller has not answered scontrol ping within \(DurationFormatter.human(patience))")
    }

    private func probe(sbatch: String, configuration: String) async -> SlurmReachability {
        let ping = await client.ping()
        let answer = SlurmReachability(
            sbatch: sbatch, clusterAnswers: ping.answers,
            message: ping.answers ? ping.message : "the Slurm controller does not answer (\(ping.message)); Slurm sheets cannot be submitted until it does"
        )
        last = (ContinuousClock.now, answer, configuration)
        probing = nil
        return answer
    }

    /// The configuration Slurm's clients read: `SLURM_CONF`, else Debian's default path, else
    /// the copy slurmd keeps in configless mode; nil when there is none (then `scontrol`
    /// would retry for a minute).
    static func configuration(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let path = environment["SLURM_CONF"], !path.isEmpty { return access(path, R_OK) == 0 ? path : nil }
        return ["/etc/slurm/slurm.conf", "/etc/slurm-llnl/slurm.conf", "/run/slurm/conf/slurm.conf"].first { access($0, R_OK) == 0 }
    }

    private func aged(_ entry: (at: ContinuousClock.Instant, answer: SlurmReachability, configuration: String)) -> SlurmReachability {
        var answer = entry.answer
        let age = ContinuousClock.now - entry.at
        answer.ageSeconds = Double(age.components.seconds) + Double(age.components.attoseconds) / 1e18
        return answer
    }
}
