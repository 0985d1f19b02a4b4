import Foundation

/// An instrument the conductor holds back because one of its sheets hit a rate limit: every
/// job's sheets on it wait until `until` (or `conductor.clear_rate_limits`).
public struct InstrumentRateLimit: Codable, Sendable, Equatable {
    public var instrument: String
    public var until: Date
    /// The job and sheet whose attempt hit the limit, and what the tool said.
    public var jobID: String
    public var sheet: Int
    public var reason: String
    /// Sheets of every job waiting for it now.
    public var waitingSheets: Int

    public init(instrument: String, until: Date, jobID: String, sheet: Int, reason: String, waitingSheets: Int) {
        self.instrument = instrument
        self.until = until
        self.jobID = jobID
        self.sheet = sheet
        self.reason = reason
        self.waitingSheets = waitingSheets
    }

    enum CodingKeys: String, CodingKey {
        case instrument, until, sheet, reason
        case jobID = "job_id"
        case waitingSheets = "waiting_sheets"
    }
}

/// Sheets running on one model of an instrument, across every job, and its `max_concurrent`.
public struct ModelSlotUsage: Codable, Sendable, Equatable {
    public var instrument: String
    public var model: String
    public var running: Int
    public var limit: Int
    public var waiting: Int

    public init(instrument: String, model: String, running: Int, limit: Int, waiting: Int) {
        self.instrument = instrument
        self.model = model
        self.running = running
        self.limit = limit
        self.waiting = waiting
    }
}

/// `conductor.clear_rate_limits` params: one instrument, or all when nil.
public struct ClearRateLimitsParams: Codable, Sendable, Equatable {
    public var instrument: String?

    public init(instrument: String? = nil) {
        self.instrument = instrument
    }
}

/// `conductor.clear_rate_limits` result: the instruments whose wait ended.
public struct ClearRateLimitsResult: Codable, Sendable, Equatable {
    public var cleared: [String]

    public init(cleared: [String]) {
        self.cleared = cleared
    }
}

extension RPCMethod {
    public static let conductorClearRateLimits = "conductor.clear_rate_limits"
}

extension RPCMethods {
    public static let conductorClearRateLimits = RPCMethodDescriptor<ClearRateLimitsParams, ClearRateLimitsResult>(RPCMethod.conductorClearRateLimits)
}

extension ClearRateLimitsParams: ValidatedParams {
    public func validate() throws(RPCError) {
        if let instrument, instrument.isEmpty || instrument.utf8.count > 256 {
            throw RPCError(.invalidParams, "invalid params: instrument must be a name of 1 to 256 bytes")
        }
    }
}
