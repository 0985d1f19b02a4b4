import Foundation

/// Runs blocking work (file I/O, fsync, directory copies, `/proc` scans) on a dispatch queue
/// instead of the cooperative thread pool, so a slow disk never stalls the conductor's tasks.
enum OffPool {
    private static let queue = DispatchQueue(label: "marianne.blocking-io", qos: .utility, attributes: .concurrent)

    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
    }
}
