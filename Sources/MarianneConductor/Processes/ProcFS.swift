import Foundation
import MarianneProtocol

/// Readings from /proc.
public enum ProcFS {
    /// Resident set size of `pid` in bytes, from /proc/<pid>/statm; nil if unreadable.
    public static func residentBytes(pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Fields of /proc/<pid>/stat after the command name: index 0 is the state (field 3).
    static func statFields(pid: Int32) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")")
        else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }

    /// The one-letter state (`R`, `S`, `T`, `Z`, ...), nil if the process is gone.
    public static func state(pid: Int32) -> Character? {
        statFields(pid: pid)?.first?.first
    }

    /// Pids whose process group is `pgid`.
    public static func groupMembers(_ pgid: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { name -> Int32? in
            guard let pid = Int32(name), let fields = statFields(pid: pid), fields.count > 2, Int32(fields[2]) == pgid else { return nil }
            return pid
        }
    }

    /// Process health from /proc: alive, zombie, CPU % over its lifetime, memory, uptime.
    public static func health(pid: Int32) -> ProcessHealth {
        guard let fields = statFields(pid: pid), fields.count > 21 else {
            return ProcessHealth(pid: pid, isAlive: false, isZombie: false, processExists: false)
        }
        let state = fields[0].first ?? "?"
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let cpuSeconds = ((Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)) / ticks
        let startSeconds = (Double(fields[19]) ?? 0) / ticks
        let systemUptime = (try? String(contentsOfFile: "/proc/uptime", encoding: .utf8))
            .flatMap { $0.split(separator: " ").first.flatMap { Double($0) } } ?? 0
        let uptime = max(0, systemUptime - startSeconds)
        let memory = residentBytes(pid: pid).map { Double($0) / 1_048_576 }
        return ProcessHealth(
            pid: pid, isAlive: state != "Z" && state != "X", isZombie: state == "Z", processExists: true,
            cpuPercent: uptime > 0 ? min(100 * Double(ProcessInfo.processInfo.activeProcessorCount), cpuSeconds / uptime * 100) : 0,
            memoryMB: memory, uptimeSeconds: uptime
        )
    }
}

extension ProcFS {
    /// Children of `pid` (all its threads), from `/proc/<pid>/task/*/children`.
    static func children(of pid: Int32) -> [Int32] {
        guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") else { return [] }
        var result: [Int32] = []
        for task in tasks {
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8) else { continue }
            result += text.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        return result
    }

    /// Whether the environment of `pid` holds the entry `entry` (`KEY=VALUE`) exactly.
    static func environment(of pid: Int32, contains entry: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
        let marker = Array(entry.utf8)
        return data.split(separator: 0).contains { $0.elementsEqual(marker) }
    }
}
