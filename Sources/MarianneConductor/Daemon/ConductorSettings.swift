import Foundation
import MarianneCore
import MarianneProtocol

/// Settings from `conductor.yaml` (all optional).
public struct ConductorSettings: Sendable, Equatable {
    /// Jobs running at once; further jobs wait `pending` in FIFO order.
    public var maxConcurrentJobs: Int
    /// Terminal jobs older than this are removed from the registry; nil = never.
    public var cleanupAgeSeconds: Double?
    /// Seconds between TERM and KILL when stopping a process group.
    public var killGraceSeconds: Double
    /// Longest request line accepted on the socket.
    public var maxMessageBytes: Int
    /// Seconds running jobs get to checkpoint when the conductor shuts down.
    public var shutdownGraceSeconds: Double
    /// Where the HTTP gateway listens; nil = no gateway.
    public var http: HTTPListenSettings?
    /// Entries a job's log keeps; past it the oldest are dropped.
    public var maxLogEntriesPerJob: Int
    /// Where sheets run unless their score says (`executor: local` when nil).
    public var executor: ExecutorConfig?

    public init(
        maxConcurrentJobs: Int = ProcessInfo.processInfo.activeProcessorCount * 2,
        cleanupAgeSeconds: Double? = 7 * 86_400,
        killGraceSeconds: Double = 5,
        maxMessageBytes: Int = 16 * 1024 * 1024,
        shutdownGraceSeconds: Double = 10,
        http: HTTPListenSettings? = nil,
        maxLogEntriesPerJob: Int = 100_000,
        executor: ExecutorConfig? = nil
    ) {
        self.executor = executor
        self.maxLogEntriesPerJob = maxLogEntriesPerJob
        self.http = http
        self.maxConcurrentJobs = maxConcurrentJobs
        self.cleanupAgeSeconds = cleanupAgeSeconds
        self.killGraceSeconds = killGraceSeconds
        self.maxMessageBytes = maxMessageBytes
        self.shutdownGraceSeconds = shutdownGraceSeconds
    }
}
