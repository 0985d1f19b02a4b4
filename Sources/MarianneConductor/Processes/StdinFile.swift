import Foundation

/// A child's standard input given as bytes: written to an unlinked temporary file whose
/// descriptor the child inherits (read from the start, then end of file), instead of a pipe
/// fed while the child runs. A child that exits without reading its input (a tool refusing
/// its arguments, a rate-limited agent) then leaves nothing half-written: feeding a pipe
/// whose reader is gone made swift-subprocess stop the whole conductor ("FileDescriptor ...
/// was not closed").
enum StdinFile {
    /// Input over this size is refused (a prompt is far smaller).
    static let maxBytes = 64 * 1024 * 1024

    /// An open descriptor positioned at the start of `bytes`; the caller closes it.
    static func open(_ bytes: [UInt8]) throws(SpawnError) -> Int32 {
        guard bytes.count <= maxBytes else {
            throw SpawnError(.system, "the standard input is \(bytes.count) bytes; at most \(maxBytes) can be given")
        }
        let folder = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(folder)/mzt-stdin-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw SpawnError(.system, "the standard input file cannot be made: \(String(cString: strerror(errno)))") }
        // Not inherited by other children started meanwhile (the child gets it as its fd 0).
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw SpawnError(.system, "the standard input file cannot be written: \(reason)")
            }
            written += count
        }
        guard lseek(fd, 0, SEEK_SET) == 0 else {
            close(fd)
            throw SpawnError(.system, "the standard input file cannot be rewound")
        }
        return fd
    }
}
