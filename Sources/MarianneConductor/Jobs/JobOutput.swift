import Foundation
import MarianneCore
import MarianneProtocol

/// `job.output`: the files each attempt of a job's sheets wrote (`.marianne/logs/<id>/`),
/// read from where the caller's cursor says, bounded per answer, off the cooperative pool.
/// Files are opened without following symlinks and must belong to the conductor's user.
struct JobOutput: Sendable {
    let store: JobStore

    static let maxCursorFiles = 100_000

    func read(_ params: OutputParams) async throws -> OutputResult {
        if let maxBytes = params.maxBytes, !(1...OutputParams.maxBytesLimit).contains(maxBytes) {
            throw JobError.invalidParams("max_bytes must be between 1 and \(OutputParams.maxBytesLimit)")
        }
        if let tail = params.tailLines, !(0...1_000_000).contains(tail) {
            throw JobError.invalidParams("tail_lines must be between 0 and 1000000")
        }
        if let sheet = params.sheet, sheet < 1 { throw JobError.invalidParams("sheet must be 1 or more") }
        if let cursor = params.cursor {
            guard cursor.count <= Self.maxCursorFiles, cursor.values.allSatisfy({ $0 >= 0 }) else {
                throw JobError.invalidParams("cursor must map file names to byte offsets of 0 or more")
            }
        }
        let row = try await store.row(params.jobID)
        let directory = WorkspaceFiles.logDirectory(workspace: row.workspace, jobID: row.id)
        let budget = params.maxBytes ?? OutputParams.defaultBytes
        let (chunks, cursor, more) = await OffPool.run { Self.collect(directory: directory, params: params, budget: budget) }
        return OutputResult(jobID: row.id, status: row.jobStatus, chunks: chunks, cursor: cursor, more: more)
    }

    /// An attempt's file name: `sheet-<n>.<attempt>.out|err|result` (`result`: what an
    /// agent instrument answered, read out of its output).
    static func parse(_ name: String) -> (sheet: Int, attempt: Int, stream: String)? {
        guard name.hasPrefix("sheet-") else { return nil }
        let parts = name.dropFirst("sheet-".count).split(separator: ".")
        let streams = ["out": "stdout", "err": "stderr", "result": "result"]
        guard parts.count == 3, let sheet = Int(parts[0]), let attempt = Int(parts[1]), let stream = streams[String(parts[2])] else { return nil }
        return (sheet, attempt, stream)
    }

    private static func rank(_ stream: String) -> Int { ["stdout": 0, "stderr": 1, "result": 2][stream] ?? 3 }

    static func collect(directory: String, params: OutputParams, budget: Int) -> ([OutputChunk], [String: Int], Bool) {
        var cursor = params.cursor ?? [:]
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .compactMap { name in parse(name).map { (name, $0) } }
            .filter { params.sheet == nil || $0.1.sheet == params.sheet }
            .sorted { ($0.1.sheet, $0.1.attempt, rank($0.1.stream)) < ($1.1.sheet, $1.1.attempt, rank($1.1.stream)) }
        var chunks: [OutputChunk] = []
        var left = budget
        var more = false
        for (name, info) in names {
            guard left > 0 else { more = true; break }
            let fd = open((directory as NSString).appendingPathComponent(name), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            var status = stat()
            guard fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_uid == geteuid() else { continue }
            let size = Int(status.st_size)
            var offset = cursor[name] ?? 0
            if cursor[name] == nil, let tail = params.tailLines { offset = tailOffset(fd, size: size, lines: tail) }
            guard offset < size else {
                cursor[name] = min(offset, size)
                continue
            }
            let count = min(size - offset, left)
            var bytes = [UInt8](repeating: 0, count: count)
            let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
            guard got > 0 else { continue }
            var end = got
            // Never split a UTF-8 character across answers.
            if offset + got < size { end = utf8Boundary(bytes, end: got) }
            guard end > 0 else { more = true; break }
            chunks.append(OutputChunk(
                file: name, sheet: info.sheet, attempt: info.attempt, stream: info.stream, offset: offset,
                text: String(decoding: bytes[..<end], as: UTF8.self)
            ))
            cursor[name] = offset + end
            left -= end
            if offset + end < size { more = true }
        }
        return (chunks, cursor, more)
    }

    /// The length of `bytes[..<end]` without a trailing incomplete UTF-8 sequence.
    static func utf8Boundary(_ bytes: [UInt8], end: Int) -> Int {
        var start = end - 1
        while start > 0, start > end - 4, bytes[start] & 0xC0 == 0x80 { start -= 1 }
        let lead = bytes[start]
        let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        return start + length <= end ? end : start
    }

    /// Where the last `lines` lines of the file begin (reading backwards in blocks).
    static func tailOffset(_ fd: Int32, size: Int, lines: Int) -> Int {
        guard lines > 0 else { return size }
        var position = size
        var newlines = 0
        var block = [UInt8](repeating: 0, count: 65_536)
        // A final newline ends the last line; it does not start one.
        var skipFinal = true
        while position > 0 {
            let length = min(block.count, position)
            position -= length
            let got = block.withUnsafeMutableBytes { pread(fd, $0.baseAddress, length, off_t(position)) }
            guard got == length else { return 0 }
            for index in stride(from: length - 1, through: 0, by: -1) where block[index] == UInt8(ascii: "\n") {
                if skipFinal, position + index == size - 1 { skipFinal = false; continue }
                newlines += 1
                if newlines == lines { return position + index + 1 }
            }
            skipFinal = false
        }
        return 0
    }
}
