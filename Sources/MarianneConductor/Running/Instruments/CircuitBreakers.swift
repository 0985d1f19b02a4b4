import Foundation
import MarianneCore

/// `circuit_breaker`, per instrument of a job: after `failure_threshold` failed attempts in a
/// row (the tool failed to run or answer; validation failures do not count), the circuit
/// opens and no sheet plays the instrument for `recovery_timeout_seconds`; then one attempt
/// probes it (half-open): a success closes it, a failure opens it again. Without a
/// `circuit_breaker:` section it applies to agent instruments only (a failing shell command
/// is not an outage).
struct CircuitBreakers: Sendable {
    struct State: Sendable {
        var failures = 0
        var openUntil: ContinuousClock.Instant?
    }

    let config: CircuitBreakerConfig
    private var states: [String: State] = [:]

    init(config: CircuitBreakerConfig) {
        self.config = config
    }

    func applies(to profile: InstrumentProfile?) -> Bool {
        config.enabled && (config.declared || !(profile?.rawPrompt ?? false))
    }

    /// How long sheets on `instrument` must wait before one may probe it; nil when closed.
    func wait(_ instrument: String) -> Double? {
        guard let until = states[instrument]?.openUntil else { return nil }
        let left = until - .now
        return left > .zero ? Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18 : nil
    }

    /// Records an attempt; returns true when this failure opened the circuit.
    mutating func record(_ instrument: String, failed: Bool) -> Bool {
        var state = states[instrument] ?? State()
        guard failed else {
            states[instrument] = nil
            return false
        }
        state.failures += 1
        let opens = state.failures >= config.failureThreshold
        if opens {
            state.openUntil = .now + .milliseconds(Int64(config.recoveryTimeoutSeconds * 1000))
            // Half-open after the timeout: the next failure opens it again at once.
            state.failures = config.failureThreshold - 1
        }
        states[instrument] = state
        return opens
    }
}

/// `cost_limits`: what a sheet and the job have spent against their limits, and the
/// warning at `warn_at_percent` (once per limit).
struct CostLedger: Sendable {
    let config: CostLimitConfig
    private var warned: Set<String> = []

    init(config: CostLimitConfig) {
        self.config = config
    }

    enum Verdict: Equatable {
        case ok
        case warn(String)
        /// The sheet may not run again.
        case sheetOver(String)
        /// The job stops.
        case jobOver(String)
    }

    mutating func check(sheet: Int, sheetCost: Double, jobCost: Double) -> [Verdict] {
        guard config.enabled else { return [] }
        var verdicts: [Verdict] = []
        if let limit = config.maxCostPerJob {
            if jobCost > limit {
                verdicts.append(.jobOver("cost limit reached: the job spent \(Self.money(jobCost)), over cost_limits.max_cost_per_job \(Self.money(limit))"))
            } else if jobCost >= limit * config.warnAtPercent / 100, warned.insert("job").inserted {
                verdicts.append(.warn("the job has spent \(Self.money(jobCost)) of its \(Self.money(limit)) limit"))
            }
        }
        if let limit = config.maxCostPerSheet {
            if sheetCost > limit {
                verdicts.append(.sheetOver("cost limit reached: sheet \(sheet) spent \(Self.money(sheetCost)), over cost_limits.max_cost_per_sheet \(Self.money(limit))"))
            } else if sheetCost >= limit * config.warnAtPercent / 100, warned.insert("sheet-\(sheet)").inserted {
                verdicts.append(.warn("sheet \(sheet) has spent \(Self.money(sheetCost)) of its \(Self.money(limit)) limit"))
            }
        }
        return verdicts
    }

    static func money(_ value: Double) -> String {
        String(format: "$%.4f", value)
    }
}
