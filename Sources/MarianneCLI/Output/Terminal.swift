import CMarianneShims
import Foundation
import MarianneProtocol

/// What the standard streams are connected to, and how wide the terminal is. Each answer is
/// computed once, when first asked: a command that prints no table never asks.
enum Terminal {
    static let stdoutIsTerminal = isatty(STDOUT_FILENO) != 0
    static let stderrIsTerminal = isatty(STDERR_FILENO) != 0

    /// Columns of the terminal on standard output; nil when it is not a terminal. `COLUMNS`
    /// wins when set (as shells and `script` do).
    static let width: Int? = {
        guard stdoutIsTerminal else { return nil }
        if let text = ProcessEnvironment.value("COLUMNS"), let columns = Int(text), (20...1000).contains(columns) {
            return columns
        }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 20 { return Int(size.ws_col) }
        return 80
    }()

    /// Standard output becomes line-buffered: each line reaches a pipe or a file as soon as it
    /// is printed (`mzt logs -f > file`, `| while read`). Commands that stream call this.
    static func flushEachLine() {
        setvbuf(standardOutput, nil, _IOLBF, 0)
    }

    /// Writes out what `print` has buffered.
    static func flush() {
        fflush(standardOutput)
    }

    /// C's `stdout` (the stream `print` writes to), found once.
    nonisolated(unsafe) static let standardOutput: UnsafeMutablePointer<FILE>? = marianne_standard_output()
}
