import Foundation

extension JSONEncoder {
    /// The encoder used for every wire message and checkpoint: compact, stable key order,
    /// dates as ISO 8601 UTC with milliseconds (`2026-11-22T16:36:04.123Z`).
    /// Shared; do not change its settings (use `makeWire()` for a copy to adjust).
    public static let wire: JSONEncoder = makeWire()

    /// A new encoder with the wire settings.
    public static func makeWire() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ISO8601.format(date))
        }
        return encoder
    }
}

extension JSONDecoder {
    /// Reads what `JSONEncoder.wire` writes; dates with or without fractional seconds.
    /// Shared; do not change its settings.
    public static let wire: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = ISO8601.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 date: \(text)")
            }
            return date
        }
        return decoder
    }()
}

/// Fast ISO 8601 (UTC) formatting and parsing without calendars.
public enum ISO8601 {
    public static func format(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        // Milliseconds truncated, but a date read back from its own text (the nearest Double
        // to it, possibly a hair below) writes that text again: 10 µs of slack.
        var millis = Int((interval - Double(seconds)) * 1000 + 0.01)
        if millis >= 1000 { millis = 999 }
        if millis < 0 { millis = 0 }
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let year = Int(parts.tm_year) + 1900
        guard (1000...9999).contains(year) else {
            func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
            let ms = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
            return "\(year)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(ms)Z"
        }
        // Written digit by digit into 24 bytes: the interpolation above made a string per
        // field, and a job's checkpoints and answers format a dozen dates.
        return String(unsafeUninitializedCapacity: 24) { text in
            func put(_ value: Int, _ at: Int, _ width: Int) {
                var rest = value
                for i in stride(from: at + width - 1, through: at, by: -1) {
                    text[i] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
            }
            put(year, 0, 4)
            text[4] = UInt8(ascii: "-")
            put(Int(parts.tm_mon) + 1, 5, 2)
            text[7] = UInt8(ascii: "-")
            put(Int(parts.tm_mday), 8, 2)
            text[10] = UInt8(ascii: "T")
            put(Int(parts.tm_hour), 11, 2)
            text[13] = UInt8(ascii: ":")
            put(Int(parts.tm_min), 14, 2)
            text[16] = UInt8(ascii: ":")
            put(Int(parts.tm_sec), 17, 2)
            text[19] = UInt8(ascii: ".")
            put(millis, 20, 3)
            text[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T") else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for i in from..<from + count {
                guard i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 else { return nil }
                value = value * 10 + Int(bytes[i] - 48)
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
              let minute = number(14, 2), let second = number(17, 2) else { return nil }
        var fraction = 0.0
        var index = 19
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "+") else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        return Date(timeIntervalSince1970: Double(timegm(&parts)) + fraction)
    }
}
