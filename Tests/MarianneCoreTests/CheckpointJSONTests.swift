import Foundation
import Testing

@testable import MarianneCore

/// `CheckpointJSON` against Foundation's encoder with the wire settings, byte for byte, on
/// checkpoints with every field absent, every field present, and a few hundred made at
/// random (strings with escapes, control characters and non-ASCII text; numbers of every
/// size; dates with milliseconds).
struct CheckpointJSONTests {
    /// A small deterministic generator (SplitMix64), so a failure names a reproducible seed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let texts = [
        "", "plain", "name: x\nworkspace: /tmp/w\nprompt:\n  template: \"{{ sheet_num }}\"\n", "tab\there", "quote \" and \\ back",
        "slash / stays", "\u{01}\u{08}\u{0C}\u{1F}\r", "é ü 日本 🎼", "\u{7F} \u{2028} \u{2029}", "{\"sheets\":[]}",
    ]
    static let numbers: [Double] = [
        0, 0.5, 1, 2.25, 0.082430296, 1e-7, 3.0e-5, 123456789.123, 0.1 + 0.2, 999_999_999_999_999, 1e15, 1e16, 1e21,
        12_345_678_901_234_567_890, 5e-324, .greatestFiniteMagnitude, 86400, 1.5e300,
    ]

    func text(_ g: inout Generator) -> String { Self.texts.randomElement(using: &g)! }
    func number(_ g: inout Generator) -> Double { Self.numbers.randomElement(using: &g)! * (Bool.random(using: &g) ? 1 : -1) }
    func date(_ g: inout Generator) -> Date { Date(timeIntervalSince1970: Double(Int.random(in: 0...4_000_000_000_000, using: &g)) / 1000) }
    func maybe<T>(_ g: inout Generator, _ make: (inout Generator) -> T) -> T? { Bool.random(using: &g) ? make(&g) : nil }

    func usage(_ g: inout Generator) -> TokenUsage {
        TokenUsage(inputTokens: Int.random(in: 0...1_000_000, using: &g), outputTokens: Int.random(in: 0...Int.max, using: &g), costUSD: abs(number(&g)))
    }

    func sheet(_ g: inout Generator, number n: Int) -> SheetState {
        var sheet = SheetState(number: n, status: SheetStatus.allCases.randomElement(using: &g)!)
        sheet.attempts = Int.random(in: 0...50, using: &g)
        sheet.startedAt = maybe(&g, date)
        sheet.finishedAt = maybe(&g, date)
        sheet.exitCode = maybe(&g) { Int32.random(in: -255...255, using: &$0) }
        sheet.signal = maybe(&g) { Int32.random(in: 1...64, using: &$0) }
        sheet.error = maybe(&g, text)
        sheet.validations = (0..<Int.random(in: 0...3, using: &g)).map { stage in
            ValidationOutcome(type: text(&g), description: text(&g), stage: stage, passed: Bool.random(using: &g), message: maybe(&g, text))
        }
        sheet.stdoutTail = maybe(&g, text)
        sheet.stderrTail = maybe(&g, text)
        sheet.processGroup = maybe(&g) { Int32.random(in: 1...4_000_000, using: &$0) }
        sheet.skippedByRule = maybe(&g) { Bool.random(using: &$0) }
        sheet.slurm = maybe(&g) { g in
            SlurmAttemptRecord(jobID: maybe(&g, text), name: text(&g), comment: text(&g), submittedAt: date(&g), state: maybe(&g, text), reason: maybe(&g, text))
        }
        sheet.instrument = maybe(&g, text)
        sheet.model = maybe(&g, text)
        sheet.usage = maybe(&g, usage)
        sheet.attemptLog = maybe(&g) { g in
            (1...Int.random(in: 1...3, using: &g)).map { attempt in
                AttemptRecord(
                    attempt: attempt, instrument: text(&g), model: maybe(&g, text), usage: usage(&g), outcome: text(&g),
                    exitCode: maybe(&g) { Int32.random(in: -1...255, using: &$0) }, durationSeconds: abs(number(&g)), completion: maybe(&g) { Bool.random(using: &$0) }
                )
            }
        }
        sheet.completionAttempts = maybe(&g) { Int.random(in: 0...5, using: &$0) }
        sheet.rateLimitWaits = maybe(&g) { Int.random(in: 0...5, using: &$0) }
        return sheet
    }

    func checkpoint(_ g: inout Generator) -> JobCheckpoint {
        var c = JobCheckpoint(
            jobID: text(&g), name: text(&g), kind: Bool.random(using: &g) ? "score" : "module", status: JobStatus.allCases.randomElement(using: &g)!,
            configHash: ConfigHash.of(text(&g)), configSnapshot: text(&g), configPath: maybe(&g, text), workspace: text(&g), createdAt: date(&g),
            totalSheets: Int.random(in: 0...5, using: &g), maxDurationSeconds: maybe(&g) { abs(number(&$0)) },
            startSheet: Int.random(in: 1...5, using: &g), selfHealing: Bool.random(using: &g), sheets: []
        )
        c.sheets = (0..<c.totalSheets).map { sheet(&g, number: $0 + 1) }
        c.startedAt = maybe(&g, date)
        c.finishedAt = maybe(&g, date)
        c.updatedAt = date(&g)
        c.lastCompletedSheet = Int.random(in: 0...5, using: &g)
        c.pid = maybe(&g) { Int32.random(in: 1...4_000_000, using: &$0) }
        c.error = maybe(&g, text)
        c.elapsedSeconds = abs(number(&g))
        c.pausedByUser = Bool.random(using: &g)
        c.moduleCheckpoint = maybe(&g) { g in
            .object(["next": .int(Int.random(in: 0...9, using: &g)), "text": .string(text(&g)), "list": .array([.double(0.25), .bool(true), .null])])
        }
        c.processGroups = maybe(&g) { g in (0..<Int.random(in: 0...3, using: &g)).map { _ in Int32.random(in: 1...99999, using: &g) } }
        c.chainDepth = maybe(&g) { Int.random(in: 0...10, using: &$0) }
        c.usage = maybe(&g, usage)
        c.worktree = maybe(&g) { g in WorktreeState(path: text(&g), branch: text(&g), repository: text(&g)) }
        c.journalBase = maybe(&g) { String(UInt64.random(in: 0...UInt64.max, using: &$0), radix: 16) }
        return c
    }

    func expectSame(_ c: JobCheckpoint, _ note: Comment) throws {
        try expectSame(try CheckpointJSON.encode(c), try JSONEncoder.wire.encode(c), note)
        for sheet in c.sheets {
            try expectSame(try CheckpointJSON.encode(sheet), try JSONEncoder.wire.encode(sheet), note)
        }
    }

    /// Compares as text, and names where the two first differ.
    func expectSame(_ ours: [UInt8], _ foundation: Data, _ note: Comment) throws {
        let theirs = [UInt8](foundation)
        guard ours != theirs else { return }
        let at = zip(ours, theirs).prefix { $0 == $1 }.count
        let context = { (bytes: [UInt8]) in String(decoding: bytes[max(0, at - 60)..<min(bytes.count, at + 60)], as: UTF8.self) }
        Issue.record("\(note): differs at byte \(at)\nours:       …\(context(ours))…\nfoundation: …\(context(theirs))…")
    }

    @Test func everyFieldAbsentAndEveryFieldPresent() throws {
        let bare = JobCheckpoint(
            jobID: "j", name: "n", configHash: "h", configSnapshot: "", configPath: nil, workspace: "/w",
            createdAt: Date(timeIntervalSince1970: 1_764_000_000.5), totalSheets: 1, sheets: [SheetState(number: 1)]
        )
        try expectSame(bare, "every optional absent")
        var g = Generator(state: 1)
        var full = checkpoint(&g)
        full.configPath = "/s.yaml"
        full.moduleCheckpoint = .object(["a": .int(1)])
        full.processGroups = [12, 34]
        full.chainDepth = 2
        full.usage = TokenUsage(inputTokens: 10, outputTokens: 20, costUSD: 0.0125)
        full.worktree = WorktreeState(path: "/w/t", branch: "b", repository: "/r")
        full.maxDurationSeconds = 3600
        full.journalBase = "abc"
        try expectSame(full, "every field present")
    }

    @Test(arguments: 0..<8)
    func randomCheckpointsMatchFoundation(batch: Int) throws {
        for index in 0..<40 {
            let seed = UInt64(batch * 1000 + index)
            var g = Generator(state: seed)
            try expectSame(checkpoint(&g), "seed \(seed)")
        }
    }

    @Test func aNumberJSONCannotHoldIsRefusedAsByFoundation() {
        var c = JobCheckpoint(jobID: "j", name: "n", configHash: "h", configSnapshot: "", configPath: nil, workspace: "/w", totalSheets: 0, sheets: [])
        c.elapsedSeconds = .infinity
        #expect(throws: EncodingError.self) { try CheckpointJSON.encode(c) }
        #expect(throws: EncodingError.self) { try JSONEncoder.wire.encode(c) }
    }
}
