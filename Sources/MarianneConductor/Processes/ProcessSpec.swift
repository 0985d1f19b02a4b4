import Foundation
import MarianneProtocol

/// How to start a child process.
public struct ProcessSpec: Sendable {
    public enum Input: Sendable {
        case null
        /// Written to the child's stdin, which is then closed.
        case bytes([UInt8])
    }

    public enum Output: Sendable {
        case null
        /// Created or truncated (0600, never through a symlink); its folder is created 0700.
        case file(String)
        /// Delivered line by line to a handler.
        case lines(OutputLines)
        /// Written to the file and delivered as lines too.
        case fileAndLines(String, OutputLines)
    }

    /// An absolute path, or a name looked up on the child's `PATH`.
    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]
    public var workingDirectory: String
    public var stdin: Input
    public var stdout: Output
    public var stderr: Output
    /// Also start a new session (`setsid`), as instrument profiles ask (`start_new_session`):
    /// the child stays the leader of its own process group either way.
    public var newSession = false

    public init(
        executable: String, arguments: [String] = [], environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String, stdin: Input = .null, stdout: Output = .null, stderr: Output = .null
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// Where a child's output lines go, and what happens when they come faster than the handler
/// takes them.
public struct OutputLines: Sendable {
    public enum Overflow: Sendable {
        /// The child waits (its pipe fills) until the handler has taken the lines: nothing is
        /// lost and memory stays bounded. For output that is data, like a module's.
        case wait
        /// Lines that do not fit are dropped and counted; the handler gets `.dropped(n)`.
        /// For output that is only shown, like `stream_output`; the child never waits.
        case drop
    }

    public enum Event: Sendable, Equatable {
        case line(String)
        case dropped(Int)
    }

    public var overflow: Overflow
    /// Lines buffered for the handler before `overflow` applies.
    public var capacity: Int
    public var handler: @Sendable (Event) async -> Void

    public init(overflow: Overflow, capacity: Int = 1024, handler: @escaping @Sendable (Event) async -> Void) {
        self.overflow = overflow
        self.capacity = max(1, capacity)
        self.handler = handler
    }
}

/// How a child ended.
public enum ExitStatus: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    public var exitCode: Int32? {
        if case .exited(let code) = self { return code }
        return nil
    }

    public var signal: Int32? {
        if case .signaled(let signal) = self { return signal }
        return nil
    }

    public var succeeded: Bool { self == .exited(0) }

    /// `exit code 3`, `killed by signal 9`.
    public var description: String {
        switch self {
        case .exited(let code): return "exit code \(code)"
        case .signaled(let signal): return "killed by signal \(signal)"
        }
    }
}

/// A child that could not be started.
public struct SpawnError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The executable is not on `PATH` or not executable.
        case notFound
        /// The working directory is missing.
        case workingDirectory
        /// The system refused (fds, memory, an output file).
        case system
    }

    public var kind: Kind
    public var description: String

    public init(_ kind: Kind = .system, _ description: String) {
        self.kind = kind
        self.description = description
    }
}

/// How one run of a child ended.
public struct ProcessOutcome: Sendable, Equatable {
    public var status: ExitStatus
    /// The timeout passed and the group was stopped.
    public var timedOut: Bool
    /// The task was cancelled and the group was stopped.
    public var cancelled: Bool

    public init(status: ExitStatus, timedOut: Bool = false, cancelled: Bool = false) {
        self.status = status
        self.timedOut = timedOut
        self.cancelled = cancelled
    }
}

/// A started child: the leader of its own process group.
public struct StartedProcess: Sendable, Equatable {
    public var pid: Int32
    /// Equal to `pid`: the child leads a new group.
    public var processGroup: Int32 { pid }
}
