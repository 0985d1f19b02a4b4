import Foundation
import Logging
import MarianneProtocol

/// Periodic housekeeping: removes finished jobs older than `cleanup_age` (every hour, or
/// every `cleanup_age` when that is shorter), and reaps adopted descendants that exited.
final class Maintenance: @unchecked Sendable {
    let registry: Registry
    let cleanupAge: Double?
    let logger: Logger
    /// Told the ids of the jobs a cleanup removed (what is kept in memory per job goes too).
    let removed: @Sendable ([String]) -> Void
    private let lock = NSLock()
    private var task: Task<Void, Never>?

    /// How often exited orphans are reaped.
    static let reapInterval = 10.0

    init(registry: Registry, cleanupAge: Double?, logger: Logger, removed: @escaping @Sendable ([String]) -> Void = { _ in }) {
        self.registry = registry
        self.removed = removed
        self.cleanupAge = cleanupAge
        self.logger = logger
    }

    func start() {
        let cleanupEvery = cleanupAge.map { max(0.5, min(3600, $0)) }
        let task = Task { [weak self] in
            await self?.cleanup()
            var sinceCleanup = 0.0
            while !Task.isCancelled {
                let pause = min(Self.reapInterval, cleanupEvery ?? Self.reapInterval)
                try? await Task.sleep(for: .clampedSeconds(pause))
                guard let self, !Task.isCancelled else { return }
                ChildTable.shared.reapOrphans()
                sinceCleanup += pause
                if let cleanupEvery, sinceCleanup >= cleanupEvery {
                    sinceCleanup = 0
                    await self.cleanup()
                }
            }
        }
        lock.withLock { self.task = task }
    }

    func stop() {
        lock.withLock { task }?.cancel()
    }

    private func cleanup() async {
        guard let cleanupAge else { return }
        if let removed = try? await registry.deleteTerminal(statuses: nil, finishedBefore: Date().timeIntervalSince1970 - cleanupAge), !removed.isEmpty {
            logger.info("old jobs removed", metadata: ["count": "\(removed.count)"])
            self.removed(removed)
        }
    }
}
