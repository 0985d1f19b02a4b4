import Foundation
import MarianneProtocol
import MarianneCore

/// A unit of work the conductor runs as a job: an installed executable module, or a Swift
/// type an embedding program registers when it builds its `JobScheduler`.
///
/// `run` returning normally completes the job; throwing fails it with the error's
/// description. A module should check `context.isCancelled` between steps and return early
/// when it is set (cancel, pause and the duration limit all set it).
public protocol JobModule: Sendable {
    /// Identity, version and the declared inputs and settings.
    var manifest: ModuleManifest { get }

    /// Runs the job. `checkpoint` is the last value passed to `saveCheckpoint` when the
    /// job is resumed or recovered, `nil` on a first run.
    func run(_ context: JobContext, inputs: [String: JSONValue], settings: [String: JSONValue], checkpoint: JSONValue?) async throws
}
