import Foundation

/// The names in a directory, read with `opendir`/`readdir` (Foundation's listing keeps a
/// buffer per call on Linux, which adds up in a long-running conductor).
public enum DirectoryNames {
    /// The names (without `.` and `..`); empty when the directory cannot be read.
    public static func of(_ directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }
}
