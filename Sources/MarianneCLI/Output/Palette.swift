import Foundation
import MarianneProtocol

/// Colour for people: statuses and errors on a terminal, never on a pipe or a file, and
/// never when `NO_COLOR` is set (https://no-color.org) or `TERM` is `dumb`.
struct Palette: Sendable {
    let enabled: Bool

    /// The palette for standard output.
    static let stdout = Palette(enabled: Terminal.stdoutIsTerminal && allowed(ProcessEnvironment.value))
    /// The palette for standard error.
    static let stderr = Palette(enabled: Terminal.stderrIsTerminal && allowed(ProcessEnvironment.value))

    static func allowed(_ environment: [String: String]) -> Bool {
        allowed { environment[$0] }
    }

    static func allowed(_ variable: (String) -> String?) -> Bool {
        if let value = variable("NO_COLOR"), !value.isEmpty { return false }
        return variable("TERM") != "dumb"
    }

    enum Colour: String, Sendable {
        case red = "31", green = "32", yellow = "33", blue = "34", magenta = "35", cyan = "36", dim = "2", bold = "1"
        case boldRed = "1;31"
    }

    func paint(_ text: String, _ colour: Colour) -> String {
        enabled && !text.isEmpty ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// A job status in its colour: green completed, red failed, cyan running, yellow
    /// cancelled or stopped, magenta paused, dim pending.
    func status(_ status: JobStatus, _ text: String? = nil) -> String {
        paint(text ?? status.rawValue, Self.colour(of: status))
    }

    func sheet(_ status: SheetStatus) -> String {
        switch status {
        case .completed: paint(status.rawValue, .green)
        case .failed: paint(status.rawValue, .red)
        case .running: paint(status.rawValue, .cyan)
        case .skipped, .pending: paint(status.rawValue, .dim)
        }
    }

    static func colour(of status: JobStatus) -> Colour {
        switch status {
        case .completed: .green
        case .failed: .red
        case .running: .cyan
        case .cancelled, .stopped: .yellow
        case .paused: .magenta
        case .pending: .dim
        }
    }

    /// `Error:` in bold red.
    var errorLabel: String { paint("Error:", .boldRed) }
    /// `warning:` in yellow.
    var warningLabel: String { paint("warning:", .yellow) }
}
