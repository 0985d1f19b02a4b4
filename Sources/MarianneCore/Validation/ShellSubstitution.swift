import Foundation

/// A command for `bash -c` and the variables its text refers to.
public struct ShellCommand: Sendable, Equatable, Codable {
    /// The command text.
    public var text: String
    /// `MZT_V_<name>` variables the text refers to; add them to the command's environment.
    public var environment: [String: String]

    public init(text: String, environment: [String: String] = [:]) {
        self.text = text
        self.environment = environment
    }
}

/// Puts `{name}` values into a shell command so that no value can inject shell syntax,
/// whatever quoting the placeholder stands in (`test -f "{workspace}/x"`, `'{workspace}'`,
/// `cd {workspace}`). Like Marianne, every `{name}` with a value is replaced and any other
/// text (`${x}`, `{}`, awk braces) stays as written. A value made only of characters a shell
/// never treats specially (`A-Z a-z 0-9 _ @ % + = : , . / -`) is written as it is, which is
/// Marianne's text; any other value is exported as `MZT_V_<name>` and referenced in the form
/// that keeps it one literal word in its context: `"${MZT_V_x}"` outside quotes, `${MZT_V_x}`
/// inside double quotes and unquoted here-documents, `'"${MZT_V_x}"'` inside single quotes.
public enum ShellSubstitution {
    enum Context: Equatable {
        case unquoted
        case double
        case single
        case dollarSingle
        case backtick
        /// `$( ... )` with its open parentheses.
        case command(Int)
        case comment
        case heredoc(delimiter: String, quoted: Bool, stripTabs: Bool)
    }

    /// The command text with every placeholder of `values` replaced, and the environment.
    public static func substitute(_ command: String, values: [String: String]) -> ShellCommand {
        let chars = Array(command)
        var output = ""
        var environment: [String: String] = [:]
        var stack: [Context] = [.unquoted]
        var pendingHeredocs: [Context] = []
        var atWordStart = true
        var lineStart = 0
        var i = 0
        while i < chars.count {
            let context = stack.last ?? .unquoted
            let c = chars[i]
            if case .heredoc(let delimiter, let quoted, let stripTabs) = context, i == lineStart {
                var end = i
                while end < chars.count, chars[end] != "\n" { end += 1 }
                var line = String(chars[i..<end])
                if stripTabs { line = String(line.drop { $0 == "\t" }) }
                if line == delimiter {
                    output += String(chars[i..<min(end + 1, chars.count)])
                    stack.removeLast()
                    i = end + 1
                    lineStart = i
                    atWordStart = true
                    continue
                }
                _ = quoted
            }
            if c == "{", let (name, length) = placeholder(chars, at: i, values: values), let value = values[name] {
                output += replacement(name: name, value: value, context: context, environment: &environment)
                i += length
                atWordStart = false
                continue
            }
            output.append(c)
            i += 1
            switch context {
            case .single:
                if c == "'" { stack.removeLast() }
            case .dollarSingle:
                if c == "\\", i < chars.count { output.append(chars[i]); i += 1 } else if c == "'" { stack.removeLast() }
            case .double:
                if c == "\\", i < chars.count { output.append(chars[i]); i += 1 }
                else if c == "\"" { stack.removeLast() }
                else if c == "`" { stack.append(.backtick) }
                else if c == "$", i < chars.count, chars[i] == "(" { output.append("("); i += 1; stack.append(.command(0)) }
            case .comment:
                if c == "\n" { stack.removeLast() }
            case .heredoc:
                break
            case .unquoted, .backtick, .command:
                if c == "\\", i < chars.count {
                    output.append(chars[i]); i += 1
                } else if c == "'" {
                    stack.append(.single)
                } else if c == "\"" {
                    stack.append(.double)
                } else if c == "$", i < chars.count, chars[i] == "'" {
                    output.append("'"); i += 1; stack.append(.dollarSingle)
                } else if c == "$", i < chars.count, chars[i] == "(" {
                    output.append("("); i += 1; stack.append(.command(0))
                } else if c == "`" {
                    if context == .backtick { stack.removeLast() } else { stack.append(.backtick) }
                } else if c == "(", case .command(let depth) = context {
                    stack[stack.count - 1] = .command(depth + 1)
                } else if c == ")", case .command(let depth) = context {
                    if depth == 0 { stack.removeLast() } else { stack[stack.count - 1] = .command(depth - 1) }
                } else if c == "#", atWordStart {
                    stack.append(.comment)
                } else if c == "<", i < chars.count, chars[i] == "<", !(i + 1 < chars.count && chars[i + 1] == "<") {
                    let (heredoc, consumed) = heredocStart(chars, at: i + 1)
                    output += String(chars[i..<(i + consumed)])
                    i += consumed
                    if let heredoc { pendingHeredocs.append(heredoc) }
                }
            }
            if c == "\n" {
                lineStart = i
                if !pendingHeredocs.isEmpty, stack.last.map(isCodeContext) ?? true {
                    stack.append(contentsOf: pendingHeredocs.reversed())
                    pendingHeredocs.removeAll()
                }
            }
            atWordStart = c == " " || c == "\t" || c == "\n" || c == ";" || c == "&" || c == "|" || c == "(" || c == ")"
        }
        return ShellCommand(text: output, environment: environment)
    }

    /// The command as Marianne writes it: each value shell-quoted (`shlex.quote`) in place.
    public static func marianneText(_ command: String, values: [String: String]) -> String {
        let chars = Array(command)
        var output = ""
        var i = 0
        while i < chars.count {
            if chars[i] == "{", let (name, length) = placeholder(chars, at: i, values: values), let value = values[name] {
                output += ShellQuote.python(value)
                i += length
            } else {
                output.append(chars[i])
                i += 1
            }
        }
        return output
    }

    /// The environment variable that carries `name`.
    public static func variableName(_ name: String) -> String {
        if !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_") }) {
            return "MZT_V_" + name
        }
        return "MZT_V_" + name.utf8.map { String(format: "%02x", $0) }.joined()
    }

    static func isCodeContext(_ context: Context) -> Bool {
        switch context {
        case .unquoted, .command, .backtick, .comment: return true
        default: return false
        }
    }

    static func placeholder(_ chars: [Character], at start: Int, values: [String: String]) -> (String, Int)? {
        var end = start + 1
        while end < chars.count, chars[end] != "}", chars[end] != "{", end - start <= 256 { end += 1 }
        guard end < chars.count, chars[end] == "}" else { return nil }
        let name = String(chars[(start + 1)..<end])
        guard values[name] != nil else { return nil }
        return (name, end - start + 1)
    }

    static func replacement(name: String, value: String, context: Context, environment: inout [String: String]) -> String {
        if ShellQuote.isPlain(value) { return value }
        let variable = variableName(name)
        switch context {
        case .heredoc(let delimiter, true, _):
            // Nothing expands in a quoted here-document: the value goes in as text, and a line
            // equal to the delimiter cannot end the document early.
            return value.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0 == delimiter ? $0 + " " : String($0) }.joined(separator: "\n")
        default: break
        }
        environment[variable] = value
        switch context {
        case .double, .heredoc: return "${\(variable)}"
        case .single: return "'\"${\(variable)}\"'"
        case .dollarSingle: return "'\"${\(variable)}\"$'"
        case .unquoted, .backtick, .command, .comment: return "\"${\(variable)}\""
        }
    }

    /// After `<<`: the delimiter word of a here-document and how many characters it took.
    static func heredocStart(_ chars: [Character], at start: Int) -> (Context?, Int) {
        var i = start
        var stripTabs = false
        if i < chars.count, chars[i] == "-" { stripTabs = true; i += 1 }
        while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 }
        var delimiter = ""
        var quoted = false
        while i < chars.count, !" \t\n;&|<>()".contains(chars[i]) {
            let c = chars[i]
            if c == "'" || c == "\"" {
                quoted = true
                i += 1
                while i < chars.count, chars[i] != c { delimiter.append(chars[i]); i += 1 }
                i += 1
            } else if c == "\\" {
                quoted = true
                i += 1
                if i < chars.count { delimiter.append(chars[i]); i += 1 }
            } else {
                delimiter.append(c)
                i += 1
            }
        }
        let consumed = min(i, chars.count) - start + 1
        guard !delimiter.isEmpty else { return (nil, consumed) }
        return (.heredoc(delimiter: delimiter, quoted: quoted, stripTabs: stripTabs), consumed)
    }
}

extension ShellQuote {
    /// Characters Python's `shlex.quote` leaves unquoted.
    public static func isPlain(_ value: String) -> Bool {
        !value.isEmpty && value.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "_@%+=:,./-".unicodeScalars.contains(scalar))
        }
    }

    /// Python's `shlex.quote`: the value as is when plain, else in single quotes.
    public static func python(_ value: String) -> String {
        if value.isEmpty { return "''" }
        if isPlain(value) { return value }
        return "'" + value.replacingOccurrences(of: "'", with: "'\"'\"'") + "'"
    }
}
