import Foundation
import Testing
@testable import MarianneCore

/// The encoder's comparison of sheets: a change in any one field is seen, an untouched
/// sheet (in a copied array) is not re-encoded, and the comparison covers every stored field.
struct CheckpointDiffTests {
    /// Each edit changes exactly one field of a sheet.
    let edits: [(String, (inout SheetState) -> Void)] = [
        ("number", { $0.number += 1 }), ("status", { $0.status = .completed }), ("attempts", { $0.attempts += 1 }),
        ("startedAt", { $0.startedAt = Date(timeIntervalSince1970: 1) }), ("finishedAt", { $0.finishedAt = Date(timeIntervalSince1970: 2) }),
        ("exitCode", { $0.exitCode = 1 }), ("signal", { $0.signal = 9 }), ("error", { $0.error = "boom" }),
        ("validations", { $0.validations = [ValidationOutcome(type: "file_exists", description: "d", stage: 1, passed: true)] }),
        ("stdoutTail", { $0.stdoutTail = "out" }), ("stderrTail", { $0.stderrTail = "err" }), ("processGroup", { $0.processGroup = 42 }),
        ("skippedByRule", { $0.skippedByRule = true }), ("slurm", { $0.slurm = SlurmAttemptRecord(name: "n", comment: "c") }),
        ("instrument", { $0.instrument = "claude-code" }), ("model", { $0.model = "m" }), ("usage", { $0.usage = TokenUsage(inputTokens: 1) }),
        ("attemptLog", { $0.attemptLog = [] }), ("completionAttempts", { $0.completionAttempts = 1 }), ("rateLimitWaits", { $0.rateLimitWaits = 1 }),
    ]

    @Test func aChangeInAnyOneFieldIsSeenAndNothingElse() {
        var base = SheetState(number: 3, status: .running)
        base.error = "kept"
        base.stdoutTail = String(repeating: "x", count: 100)
        let others = (1...5).map { SheetState(number: $0 + 10) }
        for (name, edit) in edits {
            var changed = base
            edit(&changed)
            let positions = CheckpointEncoder.changed(others + [base], others + [changed])
            #expect(positions == [others.count], "\(name)")
        }
        // Copies of the array (the runner's, at each change) and of each sheet keep what
        // matters; a sheet only read is not a change.
        let copied = (others + [base]).map { sheet in sheet }
        #expect(CheckpointEncoder.changed(others + [base], copied).isEmpty)
    }

    @Test func theComparisonNamesEveryStoredField() {
        let fields = Mirror(reflecting: SheetState(number: 1)).children.compactMap(\.label)
        #expect(fields.count == CheckpointEncoder.comparedFields)
        #expect(Set(fields) == Set(edits.map(\.0)))
        // The runs cover every byte that is not padding: at least the fields' sizes, within the value.
        let covered = CheckpointEncoder.fieldBytes.reduce(0) { $0 + $1.count }
        #expect(covered <= MemoryLayout<SheetState>.size)
        #expect(CheckpointEncoder.fieldBytes.allSatisfy { $0.upperBound <= MemoryLayout<SheetState>.size })
    }
}
