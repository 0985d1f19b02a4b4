import Foundation

/// Work that must finish before the test process exits but need not hold up a test:
/// stopping conductors, removing their homes. Runs on its own threads; the process waits
/// for all of it at exit.
public final class BackgroundCleanup: @unchecked Sendable {
    public static let shared: BackgroundCleanup = {
        let cleanup = BackgroundCleanup()
        atexit { BackgroundCleanup.shared.waitForAll(timeout: 120) }
        return cleanup
    }()

    private let group = DispatchGroup()
    private let queue = DispatchQueue(label: "marianne.test-cleanup", attributes: .concurrent)

    public func run(_ work: @escaping @Sendable () -> Void) {
        queue.async(group: group, execute: work)
    }

    public func waitForAll(timeout: Double) {
        _ = group.wait(timeout: .now() + timeout)
    }
}

/// Runs blocking or long CPU-bound test work on a thread of its own, so it does not starve
/// the cooperative pool (two threads on two cores) that concurrent tests share.
public func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
