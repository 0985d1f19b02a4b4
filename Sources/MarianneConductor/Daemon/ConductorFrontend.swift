/// Another way in to the conductor's methods (the HTTP gateway), started after the socket
/// and stopped before the jobs are.
public protocol ConductorFrontend: Sendable {
    /// Where clients reach it, e.g. `http://127.0.0.1:8420`.
    var url: String { get }
    func stop() async
}
