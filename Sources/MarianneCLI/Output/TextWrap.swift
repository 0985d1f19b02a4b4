/// Text wrapped at word boundaries for a terminal of a given width, and cells shortened with
/// an ellipsis, so that nothing wraps mid-word.
enum TextWrap {
    /// `text` in lines of at most `width` characters, broken between words; a word longer
    /// than a line stands alone. Later lines start with `indent`.
    static func wrap(_ text: String, width: Int, indent: String = "") -> [String] {
        guard width > indent.count + 8, text.count > width else { return [text] }
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let prefix = lines.isEmpty ? "" : indent
            if line.isEmpty {
                line = prefix + word
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = indent + word
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// `text` cut to `width` characters, the last one an ellipsis when something was cut.
    static func truncate(_ text: String, to width: Int) -> String {
        guard width >= 2, text.count > width else { return text }
        return String(text.prefix(width - 1)) + "…"
    }
}
