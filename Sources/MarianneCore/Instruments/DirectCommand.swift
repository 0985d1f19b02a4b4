/// A shell command line simple enough to run without the shell, as make does: words of
/// plain characters separated by blanks, the first one not a shell keyword, builtin or
/// assignment. Such a line means the same to bash as its words do to `execve`; anything
/// else (quotes, `$`, globs, redirections, pipes, `;`, `~`, newlines, ...) keeps `bash -c`.
public enum DirectCommand {
    /// The words of `text`, or nil when it needs a shell.
    public static func words(_ text: String) -> [String]? {
        var words: [String] = []
        var current: [UInt8] = []
        for byte in text.utf8 {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
                current.removeAll(keepingCapacity: true)
            } else if plain(byte) {
                current.append(byte)
            } else {
                return nil
            }
        }
        if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
        guard let first = words.first, !first.contains("="), !shellWords.contains(first) else { return nil }
        return words
    }

    private static func plain(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        case UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ","), UInt8(ascii: ":"),
            UInt8(ascii: "@"), UInt8(ascii: "%"), UInt8(ascii: "+"), UInt8(ascii: "="):
            return true
        default: return false
        }
    }

    /// bash's keywords and builtins (`compgen -k -b`), except `true` and `false`, whose
    /// programs do exactly what the builtins do.
    static let shellWords: Set<String> = [
        "if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do", "done", "in", "function",
        "time", "coproc", ".", ":", "[", "alias", "bg", "bind", "break", "builtin", "caller", "cd", "command", "compgen",
        "complete", "compopt", "continue", "declare", "dirs", "disown", "echo", "enable", "eval", "exec", "exit", "export", "fc",
        "fg", "getopts", "hash", "help", "history", "jobs", "kill", "let", "local", "logout", "mapfile", "popd", "printf",
        "pushd", "pwd", "read", "readarray", "readonly", "return", "set", "shift", "shopt", "source", "suspend", "test",
        "times", "trap", "type", "typeset", "ulimit", "umask", "unalias", "unset", "wait",
    ]
}
