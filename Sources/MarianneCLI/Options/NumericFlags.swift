import ArgumentParser
import Foundation
import MarianneCore

/// Range checks of the numbers given on the command line: a value out of range is a usage
/// error (exit 64) that names the limit, before anything is sent to the conductor.
enum NumericFlags {
    /// Seconds flags (`--timeout`, `--grace`): at most 30 days.
    static let maxSeconds = ScoreLimits.maxSeconds
    /// Numbers written in `name=value` pairs: finite and at most this in magnitude.
    static let maxMagnitude = ScoreLimits.maxMagnitude

    static func seconds(_ value: Double?, flag: String, maximum: Double = maxSeconds) throws {
        guard let value else { return }
        guard value.isFinite, value >= 0, value <= maximum else {
            throw ValidationError("\(flag) must be a number of seconds from 0 to \(Int(maximum)) (\(DurationFormatter.human(maximum))), got \(describe(value))")
        }
    }

    static func describe(_ value: Double) -> String {
        value.isFinite && value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    static func count(_ value: Int?, flag: String, in range: ClosedRange<Int>) throws {
        guard let value else { return }
        guard range.contains(value) else {
            throw ValidationError("\(flag) must be from \(range.lowerBound) to \(range.upperBound), got \(value)")
        }
    }

    static func duration(_ text: String?, flag: String, maximum: Double) throws {
        guard let text else { return }
        let seconds: Double
        do {
            seconds = try DurationParser.parse(text)
        } catch {
            throw ValidationError("\(flag): \(error)")
        }
        guard seconds <= maximum else {
            throw ValidationError("\(flag) must be at most \(DurationFormatter.human(maximum)), got \(text)")
        }
    }

    /// A value that reads as a number (`12`, `-3.5`, `1e300`) must be finite and within
    /// `maxMagnitude`; other text passes as it is.
    static func checkNumberText(_ text: String, flag: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.range(of: #"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"#, options: .regularExpression) != nil,
              let value = Double(trimmed) else { return }
        guard value.isFinite, abs(value) <= maxMagnitude else {
            throw ValidationError("\(flag)=\(text) is out of range: numbers must be finite and at most \(Int(maxMagnitude)) in magnitude")
        }
    }
}
