import Foundation
import MarianneCore

/// The name and comment one attempt's Slurm job carries. The comment names the conductor
/// (a hash of its home), the job, the sheet, the attempt and a random token, so a job id
/// that Slurm hands out again (a controller that lost its last seconds of state does) is
/// never taken for the attempt. The name carries the token too: Slurm's completion record
/// keeps the name, not the comment.
struct SlurmIdentity: Sendable, Equatable {
    var name: String
    var comment: String

    init(home: String, jobID: String, sheet: Int, attempt: Int, token: String = UInt64.random(in: 1...UInt64.max).hexString) {
        let conductor = String(ConfigHash.of(home).prefix(8))
        let short = String(token.prefix(12))
        name = "mzt.\(jobID).\(sheet).\(attempt).\(short)"
        comment = "marianne home=\(conductor) job=\(jobID) sheet=\(sheet) attempt=\(attempt) token=\(short)"
    }

    init(name: String, comment: String) {
        self.name = name
        self.comment = comment
    }
}

/// The batch script of one attempt, written to the workspace (`.marianne/slurm/<job>/`)
/// where it stays for people to read; sbatch sends its text to the controller. It runs the
/// prepared command with `exec`, each argument single-quoted, so its exit status is the
/// job's; the environment comes from sbatch (`--export=ALL`), never from the file.
enum SlurmBatchScript {
    static func directory(workspace: String, jobID: String) -> String {
        (workspace as NSString).appendingPathComponent(".marianne/slurm/\(jobID)")
    }

    static func path(workspace: String, jobID: String, sheet: Int, attempt: Int, suffix: String) -> String {
        (directory(workspace: workspace, jobID: jobID) as NSString).appendingPathComponent("sheet-\(sheet).\(attempt).\(suffix)")
    }

    /// The script's text. `stdin` is a file the command reads (a long prompt), or nil.
    static func text(executable: String, arguments: [String], stdin: String?, jobID: String, sheet: Int, attempt: Int, comment: String) -> String {
        let command = ([executable] + arguments).map(quote).joined(separator: " ")
        return """
            #!/bin/bash
            # Attempt \(attempt) of sheet \(sheet) of job \(jobID), submitted by the Marianne conductor.
            # The conductor follows it by its comment: \(comment)
            exec \(command) < \(quote(stdin ?? "/dev/null"))

            """
    }

    /// Single quotes for bash: any text but NUL, newlines included.
    static func quote(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Writes the script (0700) and the stdin file (0600) when there is one; returns the
    /// script's path.
    static func write(_ text: String, stdin: [UInt8]?, workspace: String, jobID: String, sheet: Int, attempt: Int) throws -> (script: String, stdin: String?) {
        let folder = directory(workspace: workspace, jobID: jobID)
        try SafeFile.ensureDirectory(folder, under: workspace)
        let script = path(workspace: workspace, jobID: jobID, sheet: sheet, attempt: attempt, suffix: "sh")
        try writeFile(script, Array(text.utf8), mode: 0o700)
        var input: String?
        if let stdin {
            let file = path(workspace: workspace, jobID: jobID, sheet: sheet, attempt: attempt, suffix: "in")
            try writeFile(file, stdin, mode: 0o600)
            input = file
        }
        return (script, input)
    }

    private static func writeFile(_ path: String, _ bytes: [UInt8], mode: mode_t) throws {
        let fd = try SafeFile.create(path, mode: mode)
        defer { close(fd) }
        _ = fchmod(fd, mode)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw SafeFile.error("cannot write \(path)") }
            offset += written
        }
    }
}
