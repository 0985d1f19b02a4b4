import Foundation

/// Where the conductor's own log lines go: an append-only file. A write that fails (a full
/// or read-only disk) drops the line and counts it; the conductor never stops for its log.
final class LogSink: @unchecked Sendable {
    private let lock = NSLock()
    private let fd: Int32
    private var _dropped = 0

    init(fd: Int32) {
        self.fd = fd
    }

    deinit {
        close(fd)
    }

    /// Opens `path` for appending (created 0600, never through a symlink).
    static func open(_ path: String) -> LogSink? {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
        return fd >= 0 ? LogSink(fd: fd) : nil
    }

    /// Lines that could not be written since start.
    var dropped: Int { lock.withLock { _dropped } }

    func write(_ data: Data) {
        lock.withLock {
            let complete = data.withUnsafeBytes { buffer -> Bool in
                guard let base = buffer.baseAddress else { return true }
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(fd, base + offset, buffer.count - offset)
                    if written < 0, errno == EINTR { continue }
                    if written <= 0 { return false }
                    offset += written
                }
                return true
            }
            if !complete { _dropped += 1 }
        }
    }
}
