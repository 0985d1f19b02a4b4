import Foundation
import MarianneProtocol
import Logging

/// A swift-log handler writing one JSON object per line: time, level, message, metadata.
struct JSONLogHandler: LogHandler {
    typealias Sink = LogSink

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
        LogSink.open(path)
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
