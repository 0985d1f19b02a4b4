import Foundation
import MarianneProtocol

/// Readings from /proc, with plain system calls: they run after every attempt, so they
/// must be cheap and allocate little (no Foundation directory listing).
public enum ProcFS {
    /// The bytes of a small file (at most `limit`); nil when it cannot be read.
    static func read(_ path: String, limit: Int = 64 * 1024) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: min(limit, 4096))
        while bytes.count < limit {
            let count = Glibc.read(fd, &chunk, min(chunk.count, limit - bytes.count))
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return bytes
    }

    static func text(_ path: String) -> String? {
        read(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Pids of the processes on the machine.
    static func pids() -> [Int32] {
        DirectoryNames.of("/proc").compactMap { Int32($0) }
    }

    /// Resident set size of `pid` in bytes, from /proc/<pid>/statm; nil if unreadable.
    public static func residentBytes(pid: Int32) -> Int? {
        guard let text = text("/proc/\(pid)/statm") else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Fields of /proc/<pid>/stat after the command name: index 0 is the state (field 3).
    static func statFields(pid: Int32) -> [Substring]? {
        guard let text = text("/proc/\(pid)/stat"), let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }

    /// The one-letter state (`R`, `S`, `T`, `Z`, ...), nil if the process is gone.
    public static func state(pid: Int32) -> Character? {
        statFields(pid: pid)?.first?.first
    }

    /// Pids whose process group is `pgid`.
    public static func groupMembers(_ pgid: Int32) -> [Int32] {
        pids().filter { pid in
            guard let fields = statFields(pid: pid), fields.count > 2 else { return false }
            return Int32(fields[2]) == pgid
        }
    }

    /// Children of `pid` (all its threads), from `/proc/<pid>/task/*/children`.
    static func children(of pid: Int32) -> [Int32] {
        DirectoryNames.of("/proc/\(pid)/task").flatMap { children(ofThread: Int32($0) ?? 0, in: pid) }
    }

    /// Children of one thread of `pid`.
    static func children(ofThread thread: Int32, in pid: Int32) -> [Int32] {
        guard let bytes = read("/proc/\(pid)/task/\(thread)/children") else { return [] }
        return bytes.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") })
            .compactMap { Int32(String(decoding: $0, as: UTF8.self)) }
    }

    /// The environment of `pid`, as `KEY=VALUE` entries; empty when unreadable.
    static func environment(of pid: Int32) -> [ArraySlice<UInt8>] {
        (read("/proc/\(pid)/environ", limit: 1 << 20) ?? []).split(separator: 0)
    }

    /// Whether the environment of `pid` holds the entry `entry` (`KEY=VALUE`) exactly.
    static func environment(of pid: Int32, contains entry: String) -> Bool {
        let marker = Array(entry.utf8)
        return environment(of: pid).contains { $0.elementsEqual(marker) }
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
        let systemUptime = text("/proc/uptime").flatMap { $0.split(separator: " ").first.flatMap { Double($0) } } ?? 0
        let uptime = max(0, systemUptime - startSeconds)
        let memory = residentBytes(pid: pid).map { Double($0) / 1_048_576 }
        return ProcessHealth(
            pid: pid, isAlive: state != "Z" && state != "X", isZombie: state == "Z", processExists: true,
            cpuPercent: uptime > 0 ? min(100 * Double(ProcessInfo.processInfo.activeProcessorCount), cpuSeconds / uptime * 100) : 0,
            memoryMB: memory, uptimeSeconds: uptime
        )
    }
}
