import Foundation

/// The bearer token every gateway request must carry, kept in `MZT_HOME/http.token` (0600).
enum GatewayToken {
    /// Reads the token, creating it (32 random bytes, hex) on first use. A symlink or a
    /// file that is not the user's own is refused; loose permissions are tightened.
    static func loadOrCreate(path: String) throws -> String {
        var info = stat()
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFREG else {
                throw GatewayStartError(description: "\(path) is not a regular file (a symlink is refused); remove it")
            }
            guard info.st_uid == getuid() else {
                throw GatewayStartError(description: "\(path) belongs to uid \(info.st_uid), not to you; remove it")
            }
            if info.st_mode & 0o077 != 0 { chmod(path, 0o600) }
            let text = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard text.count >= 16, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw GatewayStartError(description: "\(path) does not hold a usable token (16 or more letters and digits); remove it to get a new one")
            }
            return text
        }
        var generator = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw GatewayStartError(description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let line = Array((token + "\n").utf8)
        guard write(fd, line, line.count) == line.count, fsync(fd) == 0 else {
            unlink(path)
            throw GatewayStartError(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        return token
    }

    /// Compares in time that does not depend on where the strings differ.
    static func matches(_ given: Substring, _ token: String) -> Bool {
        let a = Array(given.utf8), b = Array(token.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<a.count { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
