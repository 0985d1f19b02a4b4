import Foundation
import MarianneProtocol

/// The journal that continues a large checkpoint: `<checkpoint>.journal` beside it, one JSON
/// record per line, appended (and fsynced when the write is durable) instead of rewriting
/// the whole file after every sheet. A record holds the checkpoint's head (every field but
/// the sheets and the config snapshot) and the sheets that changed, by position.
///
/// A checkpoint file names its journal's generation (`journal_base`); records carry the
/// generation they continue and apply only to that file. So a checkpoint rewritten whole
/// (by the runner compacting, or by the conductor editing an idle job) makes any older
/// record inert, whatever order a crash left the two files in. Reading stops at the first
/// record that does not parse (a crash mid-append leaves at most one, at the end): each
/// record is whole by itself, so what was read is always a state the runner wrote.
public enum CheckpointJournal {
    /// `<checkpoint path>.journal`
    public static func path(checkpoint: String) -> String { checkpoint + ".journal" }

    /// One appended record.
    struct Record: Codable {
        /// The `journal_base` of the checkpoint file this record continues.
        var base: String
        /// The checkpoint without its sheets and config snapshot.
        var head: JobCheckpoint
        /// The sheets that changed: `[index, state]` pairs, written as two-element arrays.
        var sheets: [Entry]
    }

    struct Entry: Codable {
        var index: Int
        var state: SheetState

        init(index: Int, state: SheetState) {
            self.index = index
            self.state = state
        }

        init(from decoder: Decoder) throws {
            var pair = try decoder.unkeyedContainer()
            index = try pair.decode(Int.self)
            state = try pair.decode(SheetState.self)
        }

        func encode(to encoder: Encoder) throws {
            var pair = encoder.unkeyedContainer()
            try pair.encode(index)
            try pair.encode(state)
        }
    }

    /// `checkpoint` with the records of `journal` that continue it applied, in order.
    static func apply(_ journal: Data, to checkpoint: JobCheckpoint) -> JobCheckpoint {
        guard let base = checkpoint.journalBase else { return checkpoint }
        var result = checkpoint
        journal.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var start = 0
            while start < bytes.count {
                guard let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else { break }
                let line = Data(bytes[start..<end])
                start = end + 1
                guard let record = try? JSONDecoder.wire.decode(Record.self, from: line) else { break }
                guard record.base == base else { continue }
                guard record.head.jobID == result.jobID, record.sheets.allSatisfy({ result.sheets.indices.contains($0.index) }) else { break }
                var next = record.head
                next.sheets = result.sheets
                next.configSnapshot = result.configSnapshot
                next.journalBase = base
                for entry in record.sheets { next.sheets[entry.index] = entry.state }
                result = next
            }
        }
        return result
    }
}
