import CMarianneShims
import Foundation

/// Starts one child process (`marianne_spawn`: clone with CLONE_VM | CLONE_VFORK and a
/// pidfd) from a resolved program, its arguments and environment, and the three descriptors
/// it gets as standard input, output and error.
enum ChildSpawner {
    /// A child that exists; `pidfd` is -1 on a kernel without pidfds.
    struct Child: Sendable {
        var pid: Int32
        var pidfd: Int32
    }

    /// What one spawn needs, checked: no string with a NUL byte, environment names that
    /// POSIX allows (no `=`, not starting with a digit, not empty).
    struct Request {
        var executable: String
        var arguments: [String]
        var environment: [String: String]
        var workingDirectory: String
        var newSession: Bool

        func validate() throws(SpawnError) {
            let strings = [executable, workingDirectory] + arguments
            if let bad = strings.first(where: { ChildSpawner.has(0, in: $0) }) {
                throw SpawnError(.system, "could not start \(executable): '\(bad.replacingOccurrences(of: "\0", with: "\\0"))' contains a NUL byte")
            }
            for (name, value) in environment {
                let bytes = name.utf8
                guard let first = bytes.first else {
                    throw SpawnError(.system, "could not start \(executable): an environment variable has an empty name")
                }
                if ChildSpawner.has(UInt8(ascii: "="), in: name) || ChildSpawner.has(0, in: name) {
                    throw SpawnError(.system, "could not start \(executable): the environment name '\(name)' must not contain '=' or a NUL byte")
                }
                if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) {
                    throw SpawnError(.system, "could not start \(executable): the environment name '\(name)' must not begin with a digit")
                }
                if ChildSpawner.has(0, in: value) {
                    throw SpawnError(.system, "could not start \(executable): the value of \(name) contains a NUL byte")
                }
            }
        }
    }

    /// Whether `text` holds `byte`: memchr over the string's own storage (the generic
    /// scan cost about ten instructions a byte, over the whole environment at every spawn).
    static func has(_ byte: UInt8, in text: String) -> Bool {
        if let found = text.utf8.withContiguousStorageIfAvailable({ $0.count > 0 && memchr($0.baseAddress!, Int32(byte), $0.count) != nil }) {
            return found
        }
        return text.utf8.contains(byte)
    }

    /// Starts `request` with `stdin`, `stdout` and `stderr` as its descriptors 0, 1 and 2.
    /// argv[0] is the executable's path.
    static func spawn(_ request: Request, stdin: Int32, stdout: Int32, stderr: Int32) throws(SpawnError) -> Child {
        try request.validate()
        var arguments: [UnsafeMutablePointer<CChar>?] = ([request.executable] + request.arguments).map { strdup($0) }
        arguments.append(nil)
        var environment: [UnsafeMutablePointer<CChar>?] = request.environment.map { strdup("\($0.key)=\($0.value)") }
        environment.append(nil)
        defer {
            for pointer in arguments { free(pointer) }
            for pointer in environment { free(pointer) }
        }
        guard !arguments.dropLast().contains(nil), !environment.dropLast().contains(nil) else {
            throw SpawnError(.system, "could not start \(request.executable): out of memory")
        }
        var pidfd: Int32 = -1
        let result: Int32 = request.executable.withCString { path in
            request.workingDirectory.withCString { folder in
                arguments.withUnsafeBufferPointer { argv in
                    environment.withUnsafeBufferPointer { envp in
                        var spawn = marianne_spawn_request(
                            path: path, arguments: argv.baseAddress, environment: envp.baseAddress, working_directory: folder,
                            standard_input: stdin, standard_output: stdout, standard_error: stderr, new_session: request.newSession ? 1 : 0
                        )
                        return marianne_spawn(&spawn, &pidfd)
                    }
                }
            }
        }
        guard result > 0 else {
            let reason = String(cString: strerror(-result))
            switch -result {
            case ENOENT, EACCES, ENOEXEC, ENOTDIR:
                throw SpawnError(.notFound, "could not start \(request.executable): \(reason)")
            default:
                throw SpawnError(.system, "could not start \(request.executable): \(reason)")
            }
        }
        return Child(pid: result, pidfd: pidfd)
    }
}
