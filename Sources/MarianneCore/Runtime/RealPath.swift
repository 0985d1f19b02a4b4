import Foundation

/// Paths resolved as Python's `Path.resolve()` does (what Marianne does with a workspace):
/// made absolute, symbolic links followed for the parts that exist, `.` dropped and `..`
/// taken against the resolved parent; parts that do not exist are kept as written.
public enum RealPath {
    static let maxLinks = 40

    /// `path` resolved; relative paths are taken from `base` (default: the current directory).
    public static func resolve(_ path: String, relativeTo base: String? = nil) -> String {
        let start = path.hasPrefix("/") ? path : ((base ?? FileManager.default.currentDirectoryPath) as NSString).appendingPathComponent(path)
        var links = 0
        return resolveAbsolute(start, links: &links)
    }

    static func resolveAbsolute(_ path: String, links: inout Int) -> String {
        var resolved = "/"
        var rest = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        rest.reverse()
        while let part = rest.popLast() {
            if part == "." { continue }
            if part == ".." {
                resolved = (resolved as NSString).deletingLastPathComponent
                if resolved.isEmpty { resolved = "/" }
                continue
            }
            let candidate = resolved == "/" ? "/" + part : resolved + "/" + part
            var info = stat()
            guard lstat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK, links < maxLinks,
                  let target = try? FileManager.default.destinationOfSymbolicLink(atPath: candidate) else {
                resolved = candidate
                continue
            }
            links += 1
            let absolute = target.hasPrefix("/") ? target : (resolved as NSString).appendingPathComponent(target)
            resolved = resolveAbsolute(absolute, links: &links)
        }
        return resolved
    }
}
