import Foundation
import MarianneProtocol

/// Writes a checkpoint's head and its sheets as JSON, byte for byte what `JSONEncoder.wire`
/// writes of them (keys sorted, absent optionals left out, dates as ISO 8601 with
/// milliseconds), without Codable's generic containers: Foundation's encoder was about a
/// twentieth of the conductor's time per one-sheet job. The rarer nested values (a module's
/// checkpoint, a worktree, a Slurm record) are still written by `JSONEncoder.wire`.
enum CheckpointJSON {
    /// `checkpoint` as one JSON object.
    static func encode(_ checkpoint: JobCheckpoint) throws -> [UInt8] {
        var out = Output()
        out.bytes.reserveCapacity(512 + checkpoint.configSnapshot.utf8.count + checkpoint.sheets.count * 256)
        try write(checkpoint, to: &out)
        return out.bytes
    }

    /// `sheet` as one JSON object.
    static func encode(_ sheet: SheetState) throws -> [UInt8] {
        var out = Output()
        out.bytes.reserveCapacity(256)
        try write(sheet, to: &out)
        return out.bytes
    }

    static func write(_ c: JobCheckpoint, to out: inout Output) throws {
        out.open()
        if let value = c.chainDepth { out.int("chain_depth", value) }
        out.string("config_hash", c.configHash)
        if let value = c.configPath { out.string("config_path", value) }
        out.string("config_snapshot", c.configSnapshot)
        out.date("created_at", c.createdAt)
        try out.double("elapsed_seconds", c.elapsedSeconds)
        if let value = c.error { out.string("error", value) }
        if let value = c.finishedAt { out.date("finished_at", value) }
        out.string("job_id", c.jobID)
        if let value = c.journalBase { out.string("journal_base", value) }
        out.string("kind", c.kind)
        out.int("last_completed_sheet", c.lastCompletedSheet)
        if let value = c.maxDurationSeconds { try out.double("max_duration_seconds", value) }
        if let value = c.moduleCheckpoint { try out.encoded("module_checkpoint", value) }
        out.string("name", c.name)
        out.bool("paused_by_user", c.pausedByUser)
        if let value = c.pid { out.int("pid", Int(value)) }
        if let groups = c.processGroups { out.array("process_groups", groups) { out, group in out.int(Int(group)) } }
        out.bool("self_healing", c.selfHealing)
        try out.array("sheets", c.sheets) { out, sheet in try write(sheet, to: &out) }
        out.int("start_sheet", c.startSheet)
        if let value = c.startedAt { out.date("started_at", value) }
        out.string("status", c.status.rawValue)
        out.int("total_sheets", c.totalSheets)
        out.date("updated_at", c.updatedAt)
        if let value = c.usage { try out.usage("usage", value) }
        out.int("version", c.version)
        out.string("workspace", c.workspace)
        if let value = c.worktree { try out.encoded("worktree", value) }
        out.close()
    }

    static func write(_ s: SheetState, to out: inout Output) throws {
        out.open()
        if let log = s.attemptLog { try out.array("attempt_log", log) { out, record in try write(record, to: &out) } }
        out.int("attempts", s.attempts)
        if let value = s.completionAttempts { out.int("completion_attempts", value) }
        if let value = s.error { out.string("error", value) }
        if let value = s.exitCode { out.int("exit_code", Int(value)) }
        if let value = s.finishedAt { out.date("finished_at", value) }
        if let value = s.instrument { out.string("instrument", value) }
        if let value = s.model { out.string("model", value) }
        out.int("number", s.number)
        if let value = s.processGroup { out.int("process_group", Int(value)) }
        if let value = s.rateLimitWaits { out.int("rate_limit_waits", value) }
        if let value = s.signal { out.int("signal", Int(value)) }
        if let value = s.skippedByRule { out.bool("skipped_by_rule", value) }
        if let value = s.slurm { try out.encoded("slurm", value) }
        if let value = s.startedAt { out.date("started_at", value) }
        out.string("status", s.status.rawValue)
        if let value = s.stderrTail { out.string("stderr_tail", value) }
        if let value = s.stdoutTail { out.string("stdout_tail", value) }
        if let value = s.usage { try out.usage("usage", value) }
        out.array("validations", s.validations) { out, outcome in write(outcome, to: &out) }
        out.close()
    }

    static func write(_ r: AttemptRecord, to out: inout Output) throws {
        out.open()
        out.int("attempt", r.attempt)
        if let value = r.completion { out.bool("completion", value) }
        try out.double("duration_seconds", r.durationSeconds)
        if let value = r.exitCode { out.int("exit_code", Int(value)) }
        out.string("instrument", r.instrument)
        if let value = r.model { out.string("model", value) }
        out.string("outcome", r.outcome)
        try out.usage("usage", r.usage)
        out.close()
    }

    static func write(_ v: ValidationOutcome, to out: inout Output) {
        out.open()
        out.string("description", v.description)
        if let value = v.message { out.string("message", value) }
        out.bool("passed", v.passed)
        out.int("stage", v.stage)
        out.string("type", v.type)
        out.close()
    }

    /// JSON text being written; each member method writes a key and its value. A member is
    /// preceded by a comma unless it opens its object, which is what the last byte says:
    /// only an object's opening brace is `{`.
    struct Output {
        var bytes: [UInt8] = []

        mutating func open() { bytes.append(UInt8(ascii: "{")) }
        mutating func close() { bytes.append(UInt8(ascii: "}")) }

        mutating func key(_ name: StaticString) {
            if bytes.last != UInt8(ascii: "{") { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: #"":"#.utf8)
        }

        mutating func string(_ name: StaticString, _ text: String) {
            key(name)
            RequestEncoder.writeString(text, to: &bytes)
        }

        mutating func int(_ name: StaticString, _ value: Int) {
            key(name)
            int(value)
        }

        mutating func int(_ value: Int) { bytes.append(contentsOf: String(value).utf8) }

        mutating func bool(_ name: StaticString, _ value: Bool) {
            key(name)
            bytes.append(contentsOf: (value ? "true" : "false").utf8)
        }

        mutating func date(_ name: StaticString, _ value: Date) { string(name, ISO8601.format(value)) }

        mutating func double(_ name: StaticString, _ value: Double) throws {
            guard let text = RequestEncoder.numberText(value) else {
                throw EncodingError.invalidValue(value, EncodingError.Context(codingPath: [], debugDescription: "\(name) \(value) is not valid JSON"))
            }
            key(name)
            bytes.append(contentsOf: text.utf8)
        }

        mutating func usage(_ name: StaticString, _ value: TokenUsage) throws {
            key(name)
            open()
            try double("cost_usd", value.costUSD)
            int("input_tokens", value.inputTokens)
            int("output_tokens", value.outputTokens)
            close()
        }

        mutating func array<Element>(_ name: StaticString, _ elements: [Element], _ write: (inout Output, Element) throws -> Void) rethrows {
            key(name)
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                try write(&self, element)
            }
            bytes.append(UInt8(ascii: "]"))
        }

        mutating func encoded<T: Encodable>(_ name: StaticString, _ value: T) throws {
            key(name)
            bytes.append(contentsOf: try JSONEncoder.wire.encode(value))
        }
    }
}
