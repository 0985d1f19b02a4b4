import Foundation
import MarianneProtocol

/// Encodes checkpoints, re-encoding only the sheets that changed since the last call: a
/// 1000-sheet job writes its checkpoint after every sheet, and most sheets do not change.
/// Each sheet's JSON is kept by position with the state it was made from; the output is
/// assembled in one byte buffer. The JSON is what `JSONEncoder.wire` writes, written by
/// `CheckpointJSON`.
public final class CheckpointEncoder: @unchecked Sendable {
    private var states: [SheetState] = []
    private var chunks: [[UInt8]] = []
    /// The config snapshot of the last whole encoding (a journal record leaves it out).
    private var snapshot: String?
    private static let marker = Array(#""sheets":[]"#.utf8)

    public init() {}

    public func encode(_ checkpoint: JobCheckpoint) throws -> Data {
        snapshot = checkpoint.configSnapshot
        var shell = checkpoint
        shell.sheets = []
        let head = try CheckpointJSON.encode(shell)
        // The marker must be the sheets key itself: a module's own JSON could hold the same text.
        guard let range = Self.find(Self.marker, in: head), Self.find(Self.marker, in: Array(head[range.upperBound...])) == nil else {
            return Data(try CheckpointJSON.encode(checkpoint))
        }
        let sheets = checkpoint.sheets
        if states.count != sheets.count {
            states = sheets
            chunks = try sheets.map { try CheckpointJSON.encode($0) }
        } else {
            for i in Self.changed(states, sheets) {
                chunks[i] = try CheckpointJSON.encode(sheets[i])
                states[i] = sheets[i]
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(head.count + chunks.reduce(16) { $0 + $1.count + 1 })
        out.append(contentsOf: head[..<range.lowerBound])
        out.append(contentsOf: #""sheets":["#.utf8)
        for (i, chunk) in chunks.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: chunk)
        }
        out.append(UInt8(ascii: "]"))
        out.append(contentsOf: head[range.upperBound...])
        return Data(out)
    }

    /// A journal record (one line) continuing the file whose `journal_base` is `base`: the
    /// head of `checkpoint` and its sheets that changed since the last call. Nil when
    /// `checkpoint` cannot continue the last whole encoding: there was none, or its number
    /// of sheets or its config snapshot differs.
    public func record(_ checkpoint: JobCheckpoint, base: String) throws -> [UInt8]? {
        let sheets = checkpoint.sheets
        guard snapshot == checkpoint.configSnapshot, states.count == sheets.count else { return nil }
        var head = checkpoint
        head.sheets = []
        head.configSnapshot = ""
        head.journalBase = nil
        var out = Array(#"{"base":"#.utf8)
        RequestEncoder.writeString(base, to: &out)
        out.append(contentsOf: #","head":"#.utf8)
        out.append(contentsOf: try CheckpointJSON.encode(head))
        out.append(contentsOf: #","sheets":["#.utf8)
        for (n, i) in Self.changed(states, sheets).enumerated() {
            chunks[i] = try CheckpointJSON.encode(sheets[i])
            states[i] = sheets[i]
            if n > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: "[\(i),".utf8)
            out.append(contentsOf: chunks[i])
            out.append(UInt8(ascii: "]"))
        }
        out.append(contentsOf: "]}\n".utf8)
        return out
    }

    /// The positions where `new` differs from `old` (same count). Each pair is compared in
    /// place through pointers: reading an element out of an array copies it (a retain per
    /// string and array in it), and comparing every sheet of a long score at each write
    /// made those copies most of the cost. Comparing the raw bytes first does not work:
    /// each copy of the array (the runner's, at its next change) leaves the padding between
    /// fields different. A sheet the runner did not touch shares its strings and arrays with
    /// the old one, and `==` on those checks identity first.
    static func changed(_ old: [SheetState], _ new: [SheetState]) -> [Int] {
        guard !new.isEmpty, old.count == new.count else { return Array(new.indices) }
        return old.withUnsafeBufferPointer { before in
            new.withUnsafeBufferPointer { after in
                let a = before.baseAddress!, b = after.baseAddress!
                var positions: [Int] = []
                for i in 0..<after.count where !same(a + i, b + i) { positions.append(i) }
                return positions
            }
        }
    }

    /// The fields `SheetState` has; a test fails when it gains one `same` does not compare.
    static let comparedFields = 20

    /// `==`, field by field through the pointers: each field is read where it is (a copy of
    /// the whole sheet retains every string and array in it, twice per comparison). The
    /// plain fields come first, so a changed sheet is usually told apart at once.
    static func same(_ a: UnsafePointer<SheetState>, _ b: UnsafePointer<SheetState>) -> Bool {
        a.pointee.number == b.pointee.number && a.pointee.status == b.pointee.status
            && a.pointee.attempts == b.pointee.attempts && a.pointee.startedAt == b.pointee.startedAt
            && a.pointee.finishedAt == b.pointee.finishedAt && a.pointee.exitCode == b.pointee.exitCode
            && a.pointee.signal == b.pointee.signal && a.pointee.processGroup == b.pointee.processGroup
            && a.pointee.skippedByRule == b.pointee.skippedByRule && a.pointee.completionAttempts == b.pointee.completionAttempts
            && a.pointee.rateLimitWaits == b.pointee.rateLimitWaits && a.pointee.error == b.pointee.error
            && a.pointee.stdoutTail == b.pointee.stdoutTail && a.pointee.stderrTail == b.pointee.stderrTail
            && a.pointee.instrument == b.pointee.instrument && a.pointee.model == b.pointee.model
            && a.pointee.validations == b.pointee.validations && a.pointee.slurm == b.pointee.slurm
            && a.pointee.usage == b.pointee.usage && a.pointee.attemptLog == b.pointee.attemptLog
    }

    /// Where `needle` first occurs in `haystack` (a plain scan: the generic one is slow here).
    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                var start = 0
                while start + pin.count <= hay.count {
                    if hay[start] == first, memcmp(hay.baseAddress! + start, pin.baseAddress!, pin.count) == 0 {
                        return start..<(start + pin.count)
                    }
                    start += 1
                }
                return nil
            }
        }
    }
}
