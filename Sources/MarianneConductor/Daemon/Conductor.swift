import Foundation
import Logging
import MarianneCore
import MarianneProtocol

/// The conductor process: owns the home's files, serves the socket, runs the job service,
/// and shuts down gracefully on SIGTERM, SIGINT or `conductor.shutdown`.
public final class Conductor: @unchecked Sendable {
    /// The lifecycle, changed in one place (`transition`).
    public enum State: String, Sendable {
        case starting, running, shuttingDown, stopped
    }

    public let home: ConductorHome
    public let settings: ConductorSettings
    private var logger: Logger
    private let makeJobEngine: (@Sendable (ConductorEnvironment) async throws -> JobEngine?)?
    private let makeFrontend: (@Sendable (ConductorEnvironment, MethodTable) async throws -> any ConductorFrontend)?
    private var frontend: (any ConductorFrontend)?
    private var logSink: LogSink?
    private let lock = NSLock()
    private var state = State.starting
    private var files: ConductorFiles
    private let startedAt = Date()
    private let methods = MethodTable()
    private var jobEngine: JobEngine?
    private var shutdownContinuation: CheckedContinuation<Double?, Never>?
    private var pendingShutdown: Double??
    private var signalSources: [DispatchSourceSignal] = []

    /// - Parameter makeJobEngine: builds the job side once the home is set up; without
    ///   one, every `job.*` method answers method-not-found.
    /// - Parameter makeFrontend: starts another way in to the same methods (the HTTP
    ///   gateway) once the socket serves; failing to start it fails the start.
    public init(
        home: ConductorHome, settings: ConductorSettings, logger: Logger? = nil,
        makeJobEngine: (@Sendable (ConductorEnvironment) async throws -> JobEngine?)? = nil,
        makeFrontend: (@Sendable (ConductorEnvironment, MethodTable) async throws -> any ConductorFrontend)? = nil
    ) {
        self.makeFrontend = makeFrontend
        self.home = home
        self.settings = settings
        self.logger = logger ?? Logger(label: "marianne.conductor")
        self.makeJobEngine = makeJobEngine
        self.files = ConductorFiles(home: home)
    }

    public var currentState: State { lock.withLock { state } }

    private func transition(to next: State) {
        lock.withLock { state = next }
        logger.info("conductor \(next.rawValue)", metadata: ["pid": "\(getpid())"])
    }

    /// Sets up the files, serves until shut down, then cleans up. Throws
    /// `ConductorStartError` when it cannot start (already running, bad home, ...).
    public func run(onReady: (@Sendable () -> Void)? = nil) async throws {
        try files.prepareHome()
        try files.lockPidFile()
        // Descendants of sheets that lose their parent come back to the conductor, which
        // stops them with their attempt and reaps them.
        ChildTable.becomeSubreaper()
        if let sink = JSONLogHandler.file(home.logPath) {
            lock.withLock { logSink = sink }
            var configured = Logger(label: "marianne.conductor") { label in JSONLogHandler(label: label, sink: sink) }
            configured.logLevel = .info
            logger = configured
        }
        let server: ConductorServer
        do {
            try files.clearStaleSocket()
            let environment = ConductorEnvironment(home: home, settings: settings, logger: logger)
            jobEngine = try await makeJobEngine?(environment)
            ConductorMethods.register(on: methods, conductor: self)
            jobEngine?.registerMethods(on: methods)
            if let makeFrontend {
                do {
                    let started = try await makeFrontend(environment, methods)
                    lock.withLock { frontend = started }
                } catch {
                    throw ConductorStartError(kind: .httpGateway, description: "the HTTP gateway could not start: \(error)")
                }
            }
            server = ConductorServer(methods: methods, logger: logger, maxMessageBytes: settings.maxMessageBytes)
            try await server.start(socketPath: home.socketPath)
        } catch {
            await lock.withLock { frontend }?.stop()
            await jobEngine?.shutdown(grace: 0)
            files.release()
            throw error
        }
        installSignalHandlers()
        transition(to: .running)
        onReady?()
        let recovery = Task { [jobEngine] in _ = await jobEngine?.recoverInterruptedJobs() }

        let requestedGrace = await waitForShutdown()
        transition(to: .shuttingDown)
        await server.stopAccepting()
        await lock.withLock { frontend }?.stop()
        recovery.cancel()
        await jobEngine?.shutdown(grace: requestedGrace ?? settings.shutdownGraceSeconds)
        await server.shutdown()
        for source in signalSources { source.cancel() }
        files.release()
        transition(to: .stopped)
    }

    /// Asks a running conductor to stop; `run()` returns once it has.
    public func requestShutdown(grace: Double? = nil) {
        let continuation: CheckedContinuation<Double?, Never>? = lock.withLock {
            if let waiting = shutdownContinuation {
                shutdownContinuation = nil
                return waiting
            }
            if pendingShutdown == nil { pendingShutdown = .some(grace) }
            return nil
        }
        continuation?.resume(returning: grace)
    }

    private func waitForShutdown() async -> Double? {
        await withCheckedContinuation { continuation in
            let pending: Double?? = lock.withLock {
                if let pending = pendingShutdown { return pending }
                shutdownContinuation = continuation
                return nil
            }
            if let pending { continuation.resume(returning: pending) }
        }
    }

    private func installSignalHandlers() {
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                self?.logger.info("signal received", metadata: ["signal": "\(number)"])
                self?.requestShutdown()
            }
            source.resume()
            signalSources.append(source)
        }
    }

    /// How long this conductor has run.
    var uptimeSeconds: Double { Date().timeIntervalSince(startedAt) }

    /// The job side's summary (counts, running jobs), or an empty one without a job side.
    func jobsSummary() async -> JobsSummary {
        await jobEngine?.summary() ?? JobsSummary()
    }

    /// Lines of the conductor's own log lost to a full or read-only disk.
    var droppedLogLines: Int { lock.withLock { logSink }?.dropped ?? 0 }

    /// The gateway's URL, when it runs.
    var frontendURL: String? { lock.withLock { frontend }?.url }
}

extension Conductor {
    /// The pid of the conductor holding the home's pid-file lock, if one runs.
    public static func runningPid(home: ConductorHome) -> Int32? {
        home.runningPid()
    }
}
