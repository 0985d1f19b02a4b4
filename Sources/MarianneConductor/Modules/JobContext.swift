import Foundation
import MarianneProtocol

/// What a running module can do: log, save results and checkpoints, notice cancellation.
public final class JobContext: Sendable {
    /// The id of the job this module runs as.
    public let jobID: String
    private let state: State
    private let sink: ModuleEventSink

    final class State: @unchecked Sendable {
        let lock = NSLock()
        var cancelled = false
    }

    init(jobID: String, sink: ModuleEventSink) {
        self.jobID = jobID
        self.state = State()
        self.sink = sink
    }

    /// True once the job is being cancelled, paused or stopped by its duration limit.
    public var isCancelled: Bool { state.lock.withLock { state.cancelled } }

    /// Marks the job cancelled; the module should return soon after.
    public func cancel() {
        state.lock.withLock { state.cancelled = true }
    }

    /// Appends a message to the job's log (`DEBUG`, `INFO`, `WARNING`, `ERROR`).
    public func log(_ message: String, level: String = "INFO") async {
        await sink.moduleLog(level: level, message: message)
    }

    /// Saves a result; `mzt results ID` lists them in order.
    public func saveResult(_ data: JSONValue) async {
        await sink.moduleResult(data)
    }

    /// Saves state to resume from: a resumed or recovered job is started again with it.
    public func saveCheckpoint(_ data: JSONValue) async {
        await sink.moduleCheckpoint(data)
    }
}

/// Where a `JobContext` sends what the module reports.
protocol ModuleEventSink: Sendable {
    func moduleLog(level: String, message: String) async
    func moduleResult(_ data: JSONValue) async
    func moduleCheckpoint(_ data: JSONValue) async
}
