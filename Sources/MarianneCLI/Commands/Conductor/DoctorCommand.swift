import ArgumentParser
import Foundation
import MarianneClient
import MarianneProtocol

/// `mzt doctor` (Marianne's): checks that this installation can run jobs: the binaries, the
/// settings, the home's permissions and free disk, the conductor, the instruments on PATH.
/// Needs no conductor.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the installation: binaries, settings, permissions, disk, conductor, instruments.",
        discussion: "Exit 0 when nothing failed (warnings allowed), 1 otherwise. Works without a running conductor."
    )

    @OptionGroup var global: GlobalOptions

    struct Check: Encodable {
        enum Level: String, Encodable { case ok, warning, failed, info }
        var name: String
        var level: Level
        var detail: String
    }

    func run() async throws {
        let checks = await Self.checks(home: global.home)
        if global.json {
            print(Render.json(["checks": checks]))
        } else {
            let palette = Palette.stdout
            let width = checks.map(\.name.count).max() ?? 10
            for check in checks {
                let mark = switch check.level {
                case .ok: palette.paint("ok  ", .green)
                case .warning: palette.paint("warn", .yellow)
                case .failed: palette.paint("FAIL", .red)
                case .info: palette.paint("  - ", .dim)
                }
                print("\(mark)  \(check.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(check.detail)")
            }
            let failed = checks.filter { $0.level == .failed }.count, warned = checks.filter { $0.level == .warning }.count
            print(failed > 0 ? "\(failed) problem\(failed == 1 ? "" : "s"); fix \(failed == 1 ? "it" : "them") before running jobs"
                  : "ready to run jobs" + (warned > 0 ? " (\(warned) warning\(warned == 1 ? "" : "s"))" : ""))
        }
        if checks.contains(where: { $0.level == .failed }) { throw ExitCode(ExitCodes.failed) }
    }

    static func checks(home: ConductorHome) async -> [Check] {
        var checks: [Check] = []
        let conductor = ConductorProcess.executable
        if FileManager.default.isExecutableFile(atPath: conductor) {
            checks.append(Check(name: "mzt-conductor", level: .ok, detail: conductor))
        } else {
            checks.append(Check(name: "mzt-conductor", level: .failed, detail: "\(conductor) is missing or not executable; install mzt and mzt-conductor side by side (make install)"))
        }
        checks.append(homeCheck(home))
        if let report = ConfigReport.check(home: home) {
            if !report.valid {
                checks.append(Check(name: "conductor.yaml", level: .failed, detail: report.error ?? "invalid"))
            } else {
                checks.append(Check(name: "conductor.yaml", level: report.warnings.isEmpty ? .ok : .warning,
                                    detail: report.exists ? (report.warnings.first ?? "valid") : "none (defaults apply)"))
            }
        }
        checks.append(diskCheck(FileManager.default.fileExists(atPath: home.root) ? home.root : NSHomeDirectory()))
        let client = DaemonClient(socketPath: home.socketPath, connectTimeout: 1)
        if let health = try? await client.call(RPCMethods.conductorHealth, Empty(), timeout: 3) {
            let same = health.version == marianneVersion
            checks.append(Check(name: "conductor", level: same ? .ok : .warning,
                                detail: "running (pid \(health.pid), version \(health.version))" + (same ? "" : "; mzt is \(marianneVersion): mzt restart")))
        } else {
            checks.append(Check(name: "conductor", level: .info, detail: "not running (mzt start)"))
        }
        checks.append(executableCheck("bash", level: .failed, purpose: "command sheets run with bash"))
        checks.append(executableCheck("claude", level: .info, purpose: "instrument claude-code"))
        for (program, instrument) in [("gemini", "gemini-cli"), ("codex", "codex-cli"), ("aider", "aider"), ("goose", "goose")] {
            checks.append(executableCheck(program, level: .info, purpose: "instrument \(instrument) (not run by this conductor yet)"))
        }
        return checks
    }

    static func homeCheck(_ home: ConductorHome) -> Check {
        var info = stat()
        guard stat(home.root, &info) == 0 else {
            return Check(name: "home", level: .info, detail: "\(home.root) does not exist yet (mzt start creates it, 0700)")
        }
        guard info.st_uid == geteuid() else {
            return Check(name: "home", level: .failed, detail: "\(home.root) belongs to uid \(info.st_uid), not to you")
        }
        if info.st_mode & 0o077 != 0 {
            return Check(name: "home", level: .warning, detail: "\(home.root) is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 700 it")
        }
        guard access(home.root, W_OK) == 0 else { return Check(name: "home", level: .failed, detail: "\(home.root) cannot be written") }
        return Check(name: "home", level: .ok, detail: "\(home.root) (0700)")
    }

    static func diskCheck(_ path: String) -> Check {
        var fs = statvfs()
        guard statvfs(path, &fs) == 0 else { return Check(name: "disk", level: .warning, detail: "cannot read the free space of \(path)") }
        let free = Double(fs.f_bavail) * Double(fs.f_frsize)
        let text = String(format: "%.1f GiB free for %@", free / 1_073_741_824, path)
        if free < 100 * 1_048_576 { return Check(name: "disk", level: .failed, detail: text + "; logs and checkpoints need room") }
        if free < 1_073_741_824 { return Check(name: "disk", level: .warning, detail: text) }
        return Check(name: "disk", level: .ok, detail: text)
    }

    /// A program on PATH.
    static func executableCheck(_ program: String, level missing: Check.Level, purpose: String) -> Check {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return Check(name: program, level: .ok, detail: "\(candidate): \(purpose)")
            }
        }
        return Check(name: program, level: missing, detail: "not on PATH: \(purpose)")
    }
}
