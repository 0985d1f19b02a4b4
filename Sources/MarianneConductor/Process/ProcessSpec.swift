import Foundation
import MarianneProtocol

/// How to start a child process.
public struct ProcessSpec: Sendable {
    public enum Input: Sendable {
        case null
        /// Written through a pipe from a background thread, then closed.
        case bytes([UInt8])
    }

    public enum Output: Sendable {
        case null
        /// Created or truncated (0644); the parent directory is created.
        case file(String)
        /// Delivered as an `AsyncStream<String>` of lines.
        case lines
        /// Written to the file and delivered as lines too.
        case fileAndLines(String)
    }

    /// An absolute path, or a name looked up on `PATH`.
    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]
    public var workingDirectory: String
    public var stdin: Input
    public var stdout: Output
    public var stderr: Output

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

/// How a child ended.
public enum ExitStatus: Sendable, Equatable {
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
}

/// A child that could not be started.
public struct SpawnError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
