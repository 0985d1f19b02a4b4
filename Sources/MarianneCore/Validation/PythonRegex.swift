/// Marianne's regular expressions are Python's `re`; this project compiles them with ICU.
/// The spellings that differ are translated.
public enum PythonRegex {
    /// `(?P<name>...)` -> `(?<name>...)`, `(?P=name)` -> `\k<name>`, `\Z` -> `\z`.
    public static func translate(_ pattern: String) -> String {
        guard pattern.contains("(?P") || pattern.contains("\\Z") else { return pattern }
        var result = ""
        var chars = Substring(pattern)
        while let first = chars.first {
            if first == "\\", chars.count >= 2 {
                let second = chars[chars.index(after: chars.startIndex)]
                result += second == "Z" ? "\\z" : "\\\(second)"
                chars = chars.dropFirst(2)
            } else if chars.hasPrefix("(?P<") {
                result += "(?<"
                chars = chars.dropFirst(4)
            } else if chars.hasPrefix("(?P="), let close = chars.firstIndex(of: ")") {
                result += "\\k<" + chars[chars.index(chars.startIndex, offsetBy: 4)..<close] + ">"
                chars = chars[chars.index(after: close)...]
            } else {
                result.append(first)
                chars = chars.dropFirst()
            }
        }
        return result
    }
}
