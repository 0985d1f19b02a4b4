import Foundation

/// The environment an instrument's process gets. A profile with `required_env` sees only the
/// safe base variables below and its own credential variables, so a tool never reads another
/// vendor's keys; a profile without it (`cli`, a user profile that does not say) sees the
/// conductor's whole environment, as in Marianne. Variables the score sets itself
/// (`instrument_config.env`, `backend.env`) and the conductor's `MZT_*` variables are always added.
public enum InstrumentEnvironment {
    /// What any program needs to run: where programs are, the user, the terminal, the
    /// locale, temporary and configuration folders.
    public static let baseVariables: [String] = [
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TMP", "TEMP",
        "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "TZ",
    ]

    /// The environment for `command` given the conductor's `parent` environment, the score's
    /// own variables and the conductor's `MZT_*` ones.
    public static func make(
        _ command: CLICommandSpec, parent: [String: String], scoreVariables: [String: String] = [:], conductorVariables: [String: String] = [:]
    ) -> [String: String] {
        var environment: [String: String]
        if let required = command.requiredEnv {
            environment = [:]
            for name in baseVariables + required {
                if let value = parent[name] { environment[name] = value }
            }
            // Variables of the conductor's own machinery (MZT_*) are never a credential.
            for (name, value) in parent where name.hasPrefix("MZT_") { environment[name] = value }
        } else {
            environment = parent
        }
        for (name, value) in command.env { environment[name] = expand(value, from: parent) }
        for (name, value) in scoreVariables { environment[name] = value }
        for (name, value) in conductorVariables { environment[name] = value }
        return environment
    }

    /// `${NAME}` and `$NAME` replaced by the conductor's value ("" when unset), as Python's
    /// `os.path.expandvars` leaves unknown ones as written.
    public static func expand(_ text: String, from environment: [String: String]) -> String {
        guard text.contains("$") else { return text }
        var result = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            var after = rest[rest.index(after: dollar)...]
            var name = ""
            var braced = false
            if after.first == "{", let close = after.firstIndex(of: "}") {
                name = String(after[after.index(after: after.startIndex)..<close])
                braced = true
                after = after[after.index(after: close)...]
            } else {
                let end = after.firstIndex { !($0.isLetter || $0.isNumber || $0 == "_") || !$0.isASCII } ?? after.endIndex
                name = String(after[..<end])
                after = after[end...]
            }
            if isValidName(name), let value = environment[name] {
                result += value
            } else {
                result += braced ? "${\(name)}" : "$\(name)"
            }
            rest = after
        }
        return result + rest
    }

    /// Letters, digits and `_`, not starting with a digit.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.utf8.count <= 256 else { return false }
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
        return !CharacterSet.decimalDigits.contains(first) && name.unicodeScalars.allSatisfy(allowed.contains)
    }

    /// Which of the profile's credential variables are set (non-empty) in `environment`.
    public static func credentials(of profile: InstrumentProfile, in environment: [String: String]) -> [(name: String, set: Bool)] {
        profile.credentialVariables.map { ($0, !(environment[$0] ?? "").isEmpty) }
    }
}
