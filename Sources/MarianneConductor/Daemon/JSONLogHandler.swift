import Foundation
import MarianneProtocol
import Logging

/// A swift-log handler writing one JSON object per line: time, level, message, metadata.
struct JSONLogHandler: LogHandler {
    final class Sink: @unchecked Sendable {
        let lock = NSLock()
        let handle: FileHandle

        init(handle: FileHandle) {
            self.handle = handle
        }

        func write(_ data: Data) {
            lock.withLock { handle.write(data) }
        }
    }

    let label: String
    let sink: Sink
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Appends to `path` (created 0600).
    static func file(_ path: String) -> Sink? {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return nil }
        return Sink(handle: FileHandle(fileDescriptor: fd, closeOnDealloc: true))
    }

    func log(event: LogEvent) {
        var object: [String: String] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            object[key] = "\(value)"
        }
        object["time"] = ISO8601.format(Date())
        object["level"] = event.level.rawValue
        object["message"] = "\(event.message)"
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        data.append(UInt8(ascii: "\n"))
        sink.write(data)
    }
}
