import Foundation

/// A duration that cannot be read.
public struct DurationError: Error, Sendable, CustomStringConvertible {
    public var text: String

    public var description: String {
        "\"\(text)\" is not a duration: use a number of seconds or units like 30s, 10m, 2h, 7d, 1h30m, 500ms"
    }
}

/// Reads durations: `30s`, `10m`, `2h`, `7d`, `1h30m`, `500ms`, or a plain number of seconds.
public enum DurationParser {
    public static func parse(_ text: String) throws -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let seconds = Double(trimmed), seconds.isFinite, seconds >= 0 { return seconds }
        var total = 0.0
        var number = ""
        var unit = ""
        var parts = 0
        func flush() throws {
            guard !number.isEmpty, let value = Double(number), value.isFinite else { throw DurationError(text: text) }
            let factor: Double
            switch unit {
            case "ms": factor = 0.001
            case "s": factor = 1
            case "m": factor = 60
            case "h": factor = 3600
            case "d": factor = 86_400
            case "w": factor = 604_800
            default: throw DurationError(text: text)
            }
            total += value * factor
            parts += 1
            number = ""
            unit = ""
        }
        for character in trimmed {
            if character.isNumber || character == "." {
                if !unit.isEmpty { try flush() }
                number.append(character)
            } else if character.isLetter {
                guard !number.isEmpty else { throw DurationError(text: text) }
                unit.append(character)
            } else {
                throw DurationError(text: text)
            }
        }
        try flush()
        guard parts > 0, total.isFinite else { throw DurationError(text: text) }
        return total
    }
}

/// Formats durations for people: `45s`, `3m 5s`, `2h 15m`, `3d 4h`.
public enum DurationFormatter {
    public static func human(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "-" }
        if seconds < 1 && seconds > 0 { return "\(Int((seconds * 1000).rounded(.toNearestOrEven)))ms" }
        if seconds < 10 && seconds != seconds.rounded() {
            let tenths = tenthsRounded(seconds)
            return "\(tenths / 10).\(tenths % 10)s"
        }
        let total = Int(seconds.rounded())
        let days = total / 86_400, hours = total % 86_400 / 3600, minutes = total % 3600 / 60, secs = total % 60
        if days > 0 { return hours > 0 ? "\(days)d \(hours)h" : "\(days)d" }
        if hours > 0 { return minutes > 0 ? "\(hours)h \(minutes)m" : "\(hours)h" }
        if minutes > 0 { return secs > 0 ? "\(minutes)m \(secs)s" : "\(minutes)m" }
        return "\(secs)s"
    }

    /// `value` (0 ≤ value < 10) in tenths, rounded as C's `%.1f` rounds: the exact value
    /// of the double to the nearest tenth, a tie to the even one. The product's rounding
    /// error (a fused multiply-add) decides the cases where `value * 10` alone lands on a half.
    static func tenthsRounded(_ value: Double) -> Int {
        let product = value * 10
        let error = (-product).addingProduct(value, 10)
        let floor = product.rounded(.down)
        let rest = product - floor
        let up: Bool
        if rest != 0.5 { up = rest > 0.5 } else if error != 0 { up = error > 0 } else { up = Int(floor) % 2 == 1 }
        return Int(floor) + (up ? 1 : 0)
    }
}

/// Quotes a value for a POSIX shell: `'it'\''s'`.
public enum ShellQuote {
    public static func quote(_ value: String) -> String {
        if !value.isEmpty, value.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }), value.allSatisfy(\.isASCII) {
            return value
        }
        return "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
