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

    /// The positions where `new` may differ from `old` (same count): every sheet whose
    /// fields' bytes differ (`same`). Each is then encoded again.
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

    /// The fields `SheetState` has; a test fails when it gains one `fieldBytes` does not list.
    static let comparedFields = 20

    /// Where each stored field of a `SheetState` lies, adjacent fields merged into one run:
    /// the bytes between the runs are padding, which copies do not preserve.
    static let fieldBytes: [Range<Int>] = {
        typealias S = SheetState
        func at<T>(_ path: KeyPath<S, T>, _: T.Type) -> Range<Int> {
            let offset = MemoryLayout<S>.offset(of: path)!
            return offset..<(offset + MemoryLayout<T>.size)
        }
        let fields = [
            at(\.number, Int.self), at(\.status, SheetStatus.self), at(\.attempts, Int.self), at(\.startedAt, Date?.self),
            at(\.finishedAt, Date?.self), at(\.exitCode, Int32?.self), at(\.signal, Int32?.self), at(\.error, String?.self),
            at(\.validations, [ValidationOutcome].self), at(\.stdoutTail, String?.self), at(\.stderrTail, String?.self),
            at(\.processGroup, Int32?.self), at(\.skippedByRule, Bool?.self), at(\.slurm, SlurmAttemptRecord?.self),
            at(\.instrument, String?.self), at(\.model, String?.self), at(\.usage, TokenUsage?.self),
            at(\.attemptLog, [AttemptRecord]?.self), at(\.completionAttempts, Int?.self), at(\.rateLimitWaits, Int?.self),
        ]
        precondition(fields.count == comparedFields)
        var runs: [Range<Int>] = []
        for field in fields.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = runs.last, last.upperBound == field.lowerBound {
                runs[runs.count - 1] = last.lowerBound..<field.upperBound
            } else {
                runs.append(field)
            }
        }
        return runs
    }()

    /// Whether two sheets encode the same, decided from their fields' bytes alone, without
    /// reading either out (a copy of a sheet retains every string and array in it): a sheet
    /// the runner did not touch keeps its fields' bits in every copy of the array (a copy is
    /// the same bits plus retains), and the same bits always encode the same. Bits that
    /// differ for equal values (a string built again) only cost an encode.
    static func same(_ a: UnsafePointer<SheetState>, _ b: UnsafePointer<SheetState>) -> Bool {
        let first = UnsafeRawPointer(a), second = UnsafeRawPointer(b)
        for run in fieldBytes where memcmp(first + run.lowerBound, second + run.lowerBound, run.count) != 0 {
            return false
        }
        return true
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
