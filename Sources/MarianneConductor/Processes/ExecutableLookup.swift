import Foundation

/// Finds the program a spec names, the way a shell would, before anything is started.
enum ExecutableLookup {
    static func resolve(_ executable: String, path: String?) throws(SpawnError) -> String {
        if executable.contains("/") {
            guard access(executable, X_OK) == 0 else {
                throw SpawnError(.notFound, "\(executable) does not exist or is not executable")
            }
            return executable
        }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(executable)"
            var info = stat()
            if access(candidate, X_OK) == 0, stat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
                return candidate
            }
        }
        throw SpawnError(.notFound, "\(executable) was not found on PATH")
    }

    static func checkDirectory(_ path: String) throws(SpawnError) {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw SpawnError(.workingDirectory, "working directory \(path) does not exist or is not a directory")
        }
    }
}
