import Foundation

/// Text from jobs (their output, errors, stderr tails) shown on a terminal with its control
/// characters made visible, so a job cannot drive the user's terminal (OSC 52 clipboard
/// writes, title changes, cursor moves, C1 controls). On a pipe or a file the bytes pass
/// unchanged: scripts get what the job wrote.
enum TerminalText {
    static let stdoutIsTerminal = isatty(STDOUT_FILENO) != 0

    /// `text` as it may be printed to standard output.
    static func forStdout(_ text: String) -> String {
        stdoutIsTerminal ? visible(text) : text
    }

    /// Compact JSON as it may be printed to standard output: on a terminal, C1 controls and
    /// DEL (which JSON leaves raw) become `\u` escapes; the JSON means the same.
    static func jsonForStdout(_ json: String) -> String {
        guard stdoutIsTerminal, json.unicodeScalars.contains(where: { $0.value == 0x7F || (0x80...0x9F).contains($0.value) }) else {
            return json
        }
        var out = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            if scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) {
                out.append(contentsOf: String(format: "\\u%04x", scalar.value).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Control characters shown, keeping newline and tab: C0 and DEL in caret notation
    /// (ESC is `^[`, CR `^M`, DEL `^?`), C1 as `\x9b`.
    static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A, 0x09: out.append(scalar)
            case 0x00...0x1F: out.append(contentsOf: ["^", Unicode.Scalar(UInt8(scalar.value + 0x40))])
            case 0x7F: out.append(contentsOf: "^?".unicodeScalars)
            case 0x80...0x9F: out.append(contentsOf: String(format: "\\x%02x", scalar.value).unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: false
        case 0x00...0x1F, 0x7F...0x9F: true
        default: false
        }
    }
}
