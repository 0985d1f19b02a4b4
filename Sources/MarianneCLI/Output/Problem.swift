import Foundation

/// Messages for people on standard error: `Error: ...` (bold red on a terminal) and
/// `warning: ...` (yellow).
enum Problem {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data("\(Palette.stderr.errorLabel) \(text)\n".utf8))
    }

    static func warning(_ text: String) {
        FileHandle.standardError.write(Data("\(Palette.stderr.warningLabel) \(text)\n".utf8))
    }
}
