import Foundation

/// Single variables of this process's environment, read with `getenv`. Foundation's
/// `ProcessInfo.environment` builds a dictionary of every variable on each use, about
/// 270,000 instructions, a tenth of a short `mzt` command; a lookup of one costs nothing.
public enum ProcessEnvironment {
    /// The value of `name`, or nil when it is not set.
    public static func value(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
