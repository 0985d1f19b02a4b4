import ArgumentParser
import Foundation
import MarianneClient
import MarianneProtocol

/// `mzt top`: a live view of the conductor: its process, the jobs by status, the active
/// jobs with their progress and process use, and the rate sheets complete at.
struct TopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "A live view of the conductor: jobs, sheets, rates and resource use.",
        discussion: """
            On a terminal it redraws every --interval seconds until q (or Ctrl-C). When standard output is not a \
            terminal it prints one view (or --iterations views) as plain text.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Seconds between refreshes.") var interval: Double = 1
    @Option(help: "Stop after this many views (default: until q on a terminal, 1 otherwise).") var iterations: Int?

    func validate() throws {
        try NumericFlags.seconds(interval, flag: "--interval", maximum: 3600)
        if interval < 0.1 { throw ValidationError("--interval must be at least 0.1") }
        try NumericFlags.count(iterations, flag: "--iterations", in: 1...1_000_000)
        if global.json { throw ValidationError("top is for people; use mzt conductor-status --json and mzt list --json") }
    }

    func run() async throws {
        let live = Terminal.stdoutIsTerminal
        let count = iterations ?? (live ? Int.max : 1)
        let keys = live ? KeyReader() : nil
        if live { print("\u{1B}[?1049h\u{1B}[?25l", terminator: "") }
        defer {
            keys?.restore()
            if live { print("\u{1B}[?25h\u{1B}[?1049l", terminator: "") }
            Terminal.flush()
        }
        Terminal.flushEachLine()
        var view = TopView()
        try await global.withClient { client in
            for round in 0..<count {
                let frame = try await view.frame(client: client, width: Terminal.width ?? 100, now: Date(), live: live)
                if live {
                    print("\u{1B}[H\u{1B}[2J" + frame.replacingOccurrences(of: "\n", with: "\r\n"), terminator: "")
                } else {
                    if round > 0 { print("") }
                    print(frame)
                }
                Terminal.flush()
                guard round + 1 < count else { break }
                if let keys {
                    if keys.waitForQuit(seconds: interval) { break }
                } else {
                    try await Task.sleep(nanoseconds: UInt64(interval * 1e9))
                }
            }
        }
    }
}

/// What one view of `mzt top` shows, and the counts it keeps between views for rates.
struct TopView {
    private var lastDone: (Date, Int)?

    mutating func frame(client: DaemonClient, width: Int, now: Date, live: Bool) async throws -> String {
        let status = try await client.call(RPCMethods.conductorStatus, Empty())
        let active = try await client.call(RPCMethods.jobList, ListParams(status: [.running, .pending, .paused], limit: 200)).jobs
        let palette = Palette.stdout
        let done = active.reduce(0) { $0 + $1.completedSheets }
        var rate = "-"
        if let (time, before) = lastDone, now > time, done >= before {
            rate = CFormat.string("%.1f/min", Double(done - before) / now.timeIntervalSince(time) * 60)
        }
        lastDone = (now, done)
        let counts = status.jobsByStatus.sorted { $0.key < $1.key }.map { key, value in
            JobStatus(rawValue: key).map { palette.status($0, "\(value) \(key)") } ?? "\(value) \(key)"
        }
        var lines = [
            "mzt top - conductor pid \(status.pid), version \(status.version), up \(status.uptime), "
                + CFormat.string("%.1f MB", Double(status.rssBytes) / 1_048_576) + ", load \(Self.loadAverage())",
            "jobs: " + (counts.isEmpty ? "none" : counts.joined(separator: ", ")) + "   running \(status.runningJobs.count)/\(status.maxConcurrentJobs)"
                + "   sheets completed (active jobs): \(done), \(rate)",
            "",
        ]
        var rows: [[String]] = []
        for job in active {
            var cpu = "-", memory = "-"
            if job.status == .running, let health = try? await client.call(RPCMethods.jobHealth, JobIDParams(jobID: job.jobID), timeout: 2), health.processExists {
                cpu = health.cpuPercent.map { CFormat.string("%.0f%%", $0) } ?? "-"
                memory = health.memoryMB.map { CFormat.string("%.0fM", $0) } ?? "-"
            }
            rows.append([
                job.jobID, job.status.rawValue + (job.queuePosition.map { " #\($0)" } ?? ""),
                job.totalSheets > 0 ? "\(job.completedSheets)/\(job.totalSheets)" : "-",
                job.currentSheet.map(String.init) ?? "-", Render.duration(job.startedAt == nil ? nil : job.runningSeconds),
                cpu, memory, job.group ?? "default",
            ])
        }
        if rows.isEmpty {
            lines.append("no active jobs")
        } else {
            lines.append(Render.table(["ID", "STATUS", "PROGRESS", "SHEET", "RAN", "CPU", "MEM", "GROUP"], rows, width: width, shrink: 0) { column, text in
                guard column == 1, let word = text.split(separator: " ").first, let job = JobStatus(rawValue: String(word)) else { return text }
                return palette.status(job, text)
            })
        }
        if let problems = status.problems, !problems.isEmpty { lines += [""] + problems.map { "\(palette.warningLabel) \($0)" } }
        if live { lines += ["", palette.paint("q quits", .dim)] }
        return lines.joined(separator: "\n")
    }

    static func loadAverage() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "-" }
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}

/// Standard input in non-canonical mode (keys arrive one at a time, not echoed), restored on
/// exit and on Ctrl-C.
final class KeyReader: @unchecked Sendable {
    private var saved = termios()
    private let active: Bool

    init() {
        guard isatty(STDIN_FILENO) != 0, tcgetattr(STDIN_FILENO, &saved) == 0 else {
            active = false
            return
        }
        active = true
        KeyReader.original = saved
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        _ = tcsetattr(STDIN_FILENO, TCSANOW, &raw)
        signal(SIGINT) { _ in
            if var original = KeyReader.original { _ = tcsetattr(STDIN_FILENO, TCSANOW, &original) }
            let restore = "\u{1B}[?25h\u{1B}[?1049l"
            _ = restore.withCString { write(STDOUT_FILENO, $0, strlen($0)) }
            _exit(130)
        }
    }

    nonisolated(unsafe) static var original: termios?

    /// Waits up to `seconds` for a key; true when it was q (or the input ended).
    func waitForQuit(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        guard active else {
            Thread.sleep(forTimeInterval: seconds)
            return false
        }
        while true {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return false }
            var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, Int32(left * 1000)) > 0 else { return false }
            var byte: UInt8 = 0
            let got = read(STDIN_FILENO, &byte, 1)
            if got <= 0 {
                Thread.sleep(forTimeInterval: max(0, deadline.timeIntervalSinceNow))
                return false
            }
            if byte == UInt8(ascii: "q") || byte == UInt8(ascii: "Q") { return true }
        }
    }

    func restore() {
        guard active else { return }
        _ = tcsetattr(STDIN_FILENO, TCSANOW, &saved)
    }
}
