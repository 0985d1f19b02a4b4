import Foundation
import MarianneProtocol

/// Follows an output file another machine writes (a Slurm job's `--output`), handing each
/// new line to an `OutputLines`, as a local attempt's pipe would: this is how
/// `stream_output` and `mzt logs -f` show a Slurm sheet's output while it runs.
final class OutputFollower: @unchecked Sendable {
    let path: String
    let lines: OutputLines
    /// Start at the file's current end (a re-attached job: its earlier lines were shown).
    let fromEnd: Bool
    private let lock = NSLock()
    private var task: Task<Void, Never>?
    private var stopping = false

    static let chunk = 64 * 1024

    init(path: String, lines: OutputLines, fromEnd: Bool) {
        self.path = path
        self.lines = lines
        self.fromEnd = fromEnd
    }

    func start() {
        let task = Task { await self.run() }
        lock.withLock { self.task = task }
    }

    /// Reads what is left, delivers it, and ends.
    func stop() async {
        let task: Task<Void, Never>? = lock.withLock {
            stopping = true
            return self.task
        }
        // Ends the pause between reads; the last read still happens.
        task?.cancel()
        await task?.value
    }

    private var isStopping: Bool { lock.withLock { stopping } }

    private func run() async {
        let delivery = LineDelivery(lines)
        var pending: [UInt8] = []
        var offset: off_t = -1
        var pause = Duration.milliseconds(100)
        while true {
            let last = isStopping
            if offset < 0 {
                offset = fromEnd ? Self.size(path) ?? -1 : (Self.size(path) != nil ? 0 : -1)
            }
            var grew = false
            if offset >= 0 {
                while let bytes = Self.read(path, at: offset), !bytes.isEmpty {
                    offset += off_t(bytes.count)
                    pending.append(contentsOf: bytes)
                    await delivery.split(&pending, maxLineBytes: OutputReader.maxLineBytes)
                    grew = true
                    if bytes.count < Self.chunk { break }
                }
            }
            if last { break }
            pause = grew ? .milliseconds(100) : min(pause * 2, .seconds(1))
            try? await Task.sleep(for: pause)
        }
        if !pending.isEmpty { await delivery.deliver(String(decoding: pending, as: UTF8.self)) }
        await delivery.finish()
    }

    private static func size(_ path: String) -> off_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_size : nil
    }

    private static func read(_ path: String, at offset: off_t) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: chunk)
        let count = pread(fd, &buffer, chunk, offset)
        return count > 0 ? Array(buffer[..<count]) : []
    }
}
