import Foundation

/// A method of the socket protocol with the types of its params and its result. The
/// conductor registers handlers by descriptor, the client and the gateway call by
/// descriptor, so the three can never disagree about a method's shape.
public struct RPCMethodDescriptor<Params: Codable & Sendable, Result: Codable & Sendable>: Sendable, CustomStringConvertible {
    public let name: String

    public init(_ name: String) {
        self.name = name
    }

    public var description: String { name }
}

/// Params that can check their own numbers and strings before a method runs (ranges,
/// non-finite values). A failure answers -32602 with the limit named.
public protocol ValidatedParams {
    func validate() throws(RPCError)
}

/// The protocol's methods (see PROTOCOL.md). Module methods are declared in MarianneCore,
/// next to their message types.
public enum RPCMethods {
    public static let conductorHealth = RPCMethodDescriptor<Empty, HealthResult>(RPCMethod.conductorHealth)
    public static let conductorStatus = RPCMethodDescriptor<Empty, ConductorStatusResult>(RPCMethod.conductorStatus)
    public static let conductorShutdown = RPCMethodDescriptor<ShutdownParams, ShutdownResult>(RPCMethod.conductorShutdown)
    public static let jobSubmit = RPCMethodDescriptor<SubmitParams, SubmitResult>(RPCMethod.jobSubmit)
    public static let jobStatus = RPCMethodDescriptor<JobIDParams, JobStatusResult>(RPCMethod.jobStatus)
    public static let jobList = RPCMethodDescriptor<ListParams, ListResult>(RPCMethod.jobList)
    public static let jobPause = RPCMethodDescriptor<PauseParams, JobActionResult>(RPCMethod.jobPause)
    public static let jobResume = RPCMethodDescriptor<ResumeParams, JobActionResult>(RPCMethod.jobResume)
    public static let jobCancel = RPCMethodDescriptor<JobIDParams, JobActionResult>(RPCMethod.jobCancel)
    public static let jobDelete = RPCMethodDescriptor<JobIDParams, DeleteResult>(RPCMethod.jobDelete)
    public static let jobClear = RPCMethodDescriptor<ClearParams, ClearResult>(RPCMethod.jobClear)
    public static let jobWait = RPCMethodDescriptor<WaitParams, WaitResult>(RPCMethod.jobWait)
    public static let jobHealth = RPCMethodDescriptor<JobIDParams, ProcessHealth>(RPCMethod.jobHealth)
    public static let jobLogs = RPCMethodDescriptor<LogsParams, LogsResult>(RPCMethod.jobLogs)
    public static let jobResults = RPCMethodDescriptor<JobIDParams, ResultsResult>(RPCMethod.jobResults)
    public static let jobOutput = RPCMethodDescriptor<OutputParams, OutputResult>(RPCMethod.jobOutput)
    public static let jobSignal = RPCMethodDescriptor<SignalParams, SignalResult>(RPCMethod.jobSignal)
    public static let jobRestart = RPCMethodDescriptor<RestartParams, SubmitResult>(RPCMethod.jobRestart)
    public static let jobMove = RPCMethodDescriptor<MoveParams, MoveResult>(RPCMethod.jobMove)
    public static let jobConfig = RPCMethodDescriptor<JobIDParams, JobConfigResult>(RPCMethod.jobConfig)
    public static let jobEdit = RPCMethodDescriptor<EditParams, JobActionResult>(RPCMethod.jobEdit)
    public static let jobRecover = RPCMethodDescriptor<RecoverParams, RecoverResult>(RPCMethod.jobRecover)
    public static let groupList = RPCMethodDescriptor<Empty, GroupListResult>(RPCMethod.groupList)
    public static let groupAdd = RPCMethodDescriptor<GroupParams, GroupListResult>(RPCMethod.groupAdd)
    public static let groupRemove = RPCMethodDescriptor<GroupParams, GroupListResult>(RPCMethod.groupRemove)
    public static let groupParallel = RPCMethodDescriptor<GroupParams, GroupListResult>(RPCMethod.groupParallel)
}

extension ShutdownParams: ValidatedParams {
    /// Longest shutdown grace accepted.
    public static let maxGraceSeconds = 3600.0

    public func validate() throws(RPCError) {
        if let grace = graceSeconds, !(grace.isFinite && grace >= 0 && grace <= Self.maxGraceSeconds) {
            throw RPCError(.invalidParams, "invalid params: grace_seconds must be between 0 and \(Int(Self.maxGraceSeconds))")
        }
    }
}

extension WaitParams: ValidatedParams {
    /// Longest wait accepted (a year).
    public static let maxTimeoutSeconds = 366.0 * 86_400

    public func validate() throws(RPCError) {
        if let timeout, !(timeout.isFinite && timeout >= 0 && timeout <= Self.maxTimeoutSeconds) {
            throw RPCError(.invalidParams, "invalid params: timeout must be between 0 and \(Int(Self.maxTimeoutSeconds)) seconds")
        }
    }
}

extension LogsParams: ValidatedParams {
    public static let maxTail = 1_000_000

    public func validate() throws(RPCError) {
        if let tail, !(0...Self.maxTail).contains(tail) {
            throw RPCError(.invalidParams, "invalid params: tail must be between 0 and \(Self.maxTail)")
        }
        if let since, since < 0 { throw RPCError(.invalidParams, "invalid params: since must be 0 or more") }
    }
}

extension OutputParams: ValidatedParams {
    public func validate() throws(RPCError) {
        if let maxBytes, !(1...Self.maxBytesLimit).contains(maxBytes) {
            throw RPCError(.invalidParams, "invalid params: max_bytes must be between 1 and \(Self.maxBytesLimit)")
        }
        if let tailLines, !(0...1_000_000).contains(tailLines) {
            throw RPCError(.invalidParams, "invalid params: tail_lines must be between 0 and 1000000")
        }
    }
}

extension MoveParams: ValidatedParams {
    public func validate() throws(RPCError) {
        if !(1...10_000_000).contains(position) { throw RPCError(.invalidParams, "invalid params: position must be between 1 and 10000000") }
    }
}

extension GroupParams: ValidatedParams {
    public func validate() throws(RPCError) {
        if let parallel, !(1...10_000).contains(parallel) {
            throw RPCError(.invalidParams, "invalid params: parallel must be between 1 and 10000")
        }
    }
}

extension ListParams: ValidatedParams {
    public func validate() throws(RPCError) {
        if let limit, limit < 1 { throw RPCError(.invalidParams, "invalid params: limit must be at least 1") }
        if let cursor, cursor < 0 { throw RPCError(.invalidParams, "invalid params: cursor must be 0 or more") }
    }
}

extension SubmitParams: ValidatedParams {
    public func validate() throws(RPCError) {
        if let startSheet, !(1...10_000_000).contains(startSheet) {
            throw RPCError(.invalidParams, "invalid params: start_sheet must be between 1 and 10000000")
        }
        if let chainDepth, !(0...100).contains(chainDepth) {
            throw RPCError(.invalidParams, "invalid params: chain_depth must be between 0 and 100")
        }
    }
}
