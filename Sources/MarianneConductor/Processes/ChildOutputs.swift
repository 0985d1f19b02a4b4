import Foundation

/// The file descriptors a child writes its stdout and stderr to, and the readers of the
/// pipes among them. The child's ends are closed in the parent as soon as the child exists.
final class ChildOutputs: @unchecked Sendable {
    /// The descriptors the child gets as 1 and 2.
    let stdoutFD: Int32
    let stderrFD: Int32
    let readers: [OutputReader]
    private let lock = NSLock()
    private var childEnds: [Int32]

    init(stdout: ProcessSpec.Output, stderr: ProcessSpec.Output) throws {
        var childEnds: [Int32] = []
        var readers: [OutputReader] = []
        do {
            func prepare(_ output: ProcessSpec.Output) throws -> Int32 {
                switch output {
                case .null:
                    let fd = open("/dev/null", O_WRONLY | O_CLOEXEC)
                    guard fd >= 0 else { throw SafeFile.error("cannot open /dev/null") }
                    childEnds.append(fd)
                    return fd
                case .file(let path):
                    let fd = try SafeFile.create(path)
                    childEnds.append(fd)
                    return fd
                case .lines(let lines):
                    let (read, write) = try Self.pipe()
                    childEnds.append(write)
                    readers.append(OutputReader(fd: read, copy: nil, lines: lines))
                    return write
                case .fileAndLines(let path, let lines):
                    let copy = try SafeFile.create(path)
                    let (read, write): (Int32, Int32)
                    do { (read, write) = try Self.pipe() } catch {
                        close(copy)
                        throw error
                    }
                    childEnds.append(write)
                    readers.append(OutputReader(fd: read, copy: copy, lines: lines))
                    return write
                }
            }
            stdoutFD = try prepare(stdout)
            stderrFD = try prepare(stderr)
        } catch {
            for fd in childEnds { close(fd) }
            for reader in readers { reader.abandon() }
            throw error
        }
        self.childEnds = childEnds
        self.readers = readers
    }

    /// Closes the parent's copies of the child's ends (idempotent).
    func closeChildEnds() {
        let ends: [Int32] = lock.withLock {
            defer { childEnds = [] }
            return childEnds
        }
        for fd in ends { close(fd) }
    }

    deinit {
        for fd in childEnds { close(fd) }
    }

    private static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { throw SafeFile.error("pipe failed") }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return (fds[0], fds[1])
    }
}
