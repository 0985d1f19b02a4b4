import Foundation
import MarianneProtocol
import MarianneCore
import Testing

/// The encoder that re-encodes only changed sheets writes the same bytes as encoding the
/// whole checkpoint, whatever changed between two writes.
struct CheckpointEncoderTests {
    func checkpoint(sheets: Int) -> JobCheckpoint {
        JobCheckpoint(
            jobID: "job", name: "job", configHash: ConfigHash.of("name: job"), configSnapshot: "name: job", configPath: "/s.yaml",
            workspace: "/ws", totalSheets: sheets, sheets: (1...sheets).map { SheetState(number: $0) }
        )
    }

    func plain(_ checkpoint: JobCheckpoint) throws -> Data { try JSONEncoder.wire.encode(checkpoint) }

    @Test func matchesAFullEncodeAfterEveryChange() throws {
        let encoder = CheckpointEncoder()
        var current = checkpoint(sheets: 5)
        #expect(try encoder.encode(current) == plain(current))
        current.sheets[2].status = .running
        current.sheets[2].attempts = 1
        #expect(try encoder.encode(current) == plain(current))
        current.sheets[2].status = .completed
        current.sheets[2].exitCode = 0
        current.sheets[0].error = "a \"quoted\" reason"
        current.status = .running
        #expect(try encoder.encode(current) == plain(current))
        // Nothing changed: the same bytes again.
        #expect(try encoder.encode(current) == plain(current))
        // Sheets reordered or a different number of them.
        current.sheets.swapAt(0, 4)
        #expect(try encoder.encode(current) == plain(current))
        current.sheets.removeLast()
        #expect(try encoder.encode(current) == plain(current))
        current.sheets = []
        #expect(try encoder.encode(current) == plain(current))
    }

    @Test func aModuleCheckpointHoldingTheSameKeyIsNotMistakenForTheSheets() throws {
        let encoder = CheckpointEncoder()
        var current = checkpoint(sheets: 2)
        current.moduleCheckpoint = .object(["sheets": .array([]), "next": .int(1)])
        #expect(try encoder.encode(current) == plain(current))
        current.sheets[0].status = .completed
        let read = try JSONDecoder.wire.decode(JobCheckpoint.self, from: try encoder.encode(current))
        #expect(read.sheets == current.sheets && read.moduleCheckpoint == current.moduleCheckpoint)
    }

    @Test func readsBackAsTheSameCheckpoint() throws {
        let encoder = CheckpointEncoder()
        var current = checkpoint(sheets: 3)
        _ = try encoder.encode(current)
        current.sheets[1].status = .failed
        current.sheets[1].error = "exit 3"
        let read = try JSONDecoder.wire.decode(JobCheckpoint.self, from: try encoder.encode(current))
        #expect(read.sheets == current.sheets)
        #expect(read.jobID == "job")
    }
}
