import Foundation

extension JobStatusResult {
    /// A status answer read straight from its parsed object, as `Decodable` reads it (see
    /// `JobSummary.init(node:path:)`): `mzt status` decodes one per call, and through the
    /// generic containers its sheets' and attempts' types were most of the command.
    init(node: ResponseDecoder.Node, path: [any CodingKey]) throws {
        var fields = try ResponseDecoder.FieldReader(object: node, path: path, of: JobStatusResult.self)
        typealias Key = CodingKeys
        // In the order the wire's sorted keys put them.
        costUSD = try fields.optional(Key.costUSD, ResponseDecoder.floating)
        elapsedSeconds = try fields.optional(Key.elapsedSeconds, ResponseDecoder.floating)
        inputTokens = try fields.optional(Key.inputTokens, ResponseDecoder.integer)
        job = try fields.required(Key.job) { try JobSummary(node: $0, path: $1) }
        maxDurationSeconds = try fields.optional(Key.maxDurationSeconds, ResponseDecoder.floating)
        outputTokens = try fields.optional(Key.outputTokens, ResponseDecoder.integer)
        sheets = try fields.required(Key.sheets) { node, path in
            try ResponseDecoder.elements(node, path: path) { try SheetSummary(node: $0, path: $1) }
        }
    }
}

extension SheetSummary {
    /// A sheet of a status answer, read as `Decodable` reads it.
    init(node: ResponseDecoder.Node, path: [any CodingKey]) throws {
        var fields = try ResponseDecoder.FieldReader(object: node, path: path, of: SheetSummary.self)
        typealias Key = CodingKeys
        attempts = try fields.required(Key.attempts, ResponseDecoder.integer)
        attemptLog = try fields.optional(Key.attemptLog) { node, path in
            try ResponseDecoder.elements(node, path: path) { try SheetAttemptSummary(node: $0, path: $1) }
        }
        costUSD = try fields.optional(Key.costUSD, ResponseDecoder.floating)
        dependencies = try fields.required(Key.dependencies) { node, path in
            try ResponseDecoder.elements(node, path: path) { try ResponseDecoder.integer($0, path: $1) as Int }
        }
        error = try fields.optional(Key.error, ResponseDecoder.string)
        exitCode = try fields.optional(Key.exitCode, ResponseDecoder.integer)
        finishedAt = try fields.optional(Key.finishedAt, ResponseDecoder.date)
        inputTokens = try fields.optional(Key.inputTokens, ResponseDecoder.integer)
        instrument = try fields.optional(Key.instrument, ResponseDecoder.string)
        model = try fields.optional(Key.model, ResponseDecoder.string)
        number = try fields.required(Key.number, ResponseDecoder.integer)
        output = try fields.optional(Key.output, ResponseDecoder.string)
        outputTokens = try fields.optional(Key.outputTokens, ResponseDecoder.integer)
        signal = try fields.optional(Key.signal, ResponseDecoder.integer)
        slurmJobID = try fields.optional(Key.slurmJobID, ResponseDecoder.string)
        slurmReason = try fields.optional(Key.slurmReason, ResponseDecoder.string)
        slurmState = try fields.optional(Key.slurmState, ResponseDecoder.string)
        startedAt = try fields.optional(Key.startedAt, ResponseDecoder.date)
        status = try fields.required(Key.status, ResponseDecoder.named)
        stderrTail = try fields.optional(Key.stderrTail, ResponseDecoder.string)
    }
}

extension SheetAttemptSummary {
    /// An attempt of a sheet of a status answer, read as `Decodable` reads it.
    init(node: ResponseDecoder.Node, path: [any CodingKey]) throws {
        var fields = try ResponseDecoder.FieldReader(object: node, path: path, of: SheetAttemptSummary.self)
        typealias Key = CodingKeys
        attempt = try fields.required(Key.attempt, ResponseDecoder.integer)
        costUSD = try fields.required(Key.costUSD, ResponseDecoder.floating)
        durationSeconds = try fields.required(Key.durationSeconds, ResponseDecoder.floating)
        inputTokens = try fields.required(Key.inputTokens, ResponseDecoder.integer)
        instrument = try fields.required(Key.instrument, ResponseDecoder.string)
        model = try fields.optional(Key.model, ResponseDecoder.string)
        outcome = try fields.required(Key.outcome, ResponseDecoder.string)
        outputTokens = try fields.required(Key.outputTokens, ResponseDecoder.integer)
    }
}

extension ResponseDecoder {
    /// The items of an array, each read by `read` with its index in the path.
    static func elements<T>(_ node: Node, path: [any CodingKey], _ read: (Node, [any CodingKey]) throws -> T) throws -> [T] {
        guard case .array(let items) = node else { throw mismatch([T].self, node, path) }
        var result: [T] = []
        result.reserveCapacity(items.count)
        for (i, item) in items.enumerated() { result.append(try read(item, path + [IndexKey(i)])) }
        return result
    }
}
