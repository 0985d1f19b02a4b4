import Foundation

extension JobSummary {
    /// A summary read straight from a parsed object, as its `Decodable` conformance reads it:
    /// a missing or null optional field is nil, a missing required field is `keyNotFound`, a
    /// null or mistyped one the same error the containers give. Listings decode a summary per
    /// row, and through the generic containers each cost about 100,000 instructions (a
    /// container box, a metadata lookup per generic field, an index of the object's keys).
    init(node: ResponseDecoder.Node, path: [any CodingKey]) throws {
        var fields = try ResponseDecoder.FieldReader(object: node, path: path, of: JobSummary.self)
        typealias Key = CodingKeys
        // In the order the wire's sorted keys put them: each is found at the first look.
        after = try fields.optional(Key.after, ResponseDecoder.strings)
        checkpointPath = try fields.optional(Key.checkpointPath, ResponseDecoder.string)
        command = try fields.optional(Key.command, ResponseDecoder.string)
        completedSheets = try fields.required(Key.completedSheets, ResponseDecoder.integer)
        configPath = try fields.optional(Key.configPath, ResponseDecoder.string)
        createdAt = try fields.required(Key.createdAt, ResponseDecoder.date)
        currentSheet = try fields.optional(Key.currentSheet, ResponseDecoder.integer)
        error = try fields.optional(Key.error, ResponseDecoder.string)
        finishedAt = try fields.optional(Key.finishedAt, ResponseDecoder.date)
        group = try fields.optional(Key.group, ResponseDecoder.string)
        jobID = try fields.required(Key.jobID, ResponseDecoder.string)
        kind = try fields.required(Key.kind, ResponseDecoder.string)
        label = try fields.optional(Key.label, ResponseDecoder.string)
        name = try fields.required(Key.name, ResponseDecoder.string)
        notBefore = try fields.optional(Key.notBefore, ResponseDecoder.date)
        pid = try fields.optional(Key.pid, ResponseDecoder.integer)
        queuePosition = try fields.optional(Key.queuePosition, ResponseDecoder.integer)
        runningSeconds = try fields.optional(Key.runningSeconds, ResponseDecoder.floating)
        startedAt = try fields.optional(Key.startedAt, ResponseDecoder.date)
        status = try fields.required(Key.status, ResponseDecoder.named)
        totalSheets = try fields.required(Key.totalSheets, ResponseDecoder.integer)
        workspace = try fields.required(Key.workspace, ResponseDecoder.string)
    }
}

extension ResponseDecoder {
    /// Reads an object's fields by key, looking first just after the field read before:
    /// fields asked for in the order they were written are found at the first look. An
    /// object with a repeated key (a conductor writes none) or with an index is read as the
    /// rest of the decoder reads it, the first of repeated keys winning.
    struct FieldReader {
        let members: Members
        let path: [any CodingKey]
        private let inOrder: Bool
        private var next = 0

        /// The reader of `node`, which must be an object (as `type` reads one).
        init<T>(object node: Node, path: [any CodingKey], of type: T.Type) throws {
            guard case .object(let members) = node else { throw mismatch(T.self, node, path) }
            self.members = members
            self.path = path
            inOrder = members.index == nil && !Self.repeats(members.keys)
        }

        static func repeats(_ keys: [String]) -> Bool {
            for i in keys.indices {
                let length = keys[i].utf8.count
                for j in keys.indices[..<i] where keys[j].utf8.count == length && keys[j] == keys[i] { return true }
            }
            return false
        }

        /// The field's value; a key of another length is passed over without comparing text.
        mutating func node<Key: CodingKey>(_ key: Key) -> Node? {
            let name = key.stringValue
            guard inOrder else { return members.value(for: name) }
            let length = name.utf8.count
            let count = members.keys.count
            var i = next
            for _ in 0..<count {
                if i >= count { i = 0 }
                if members.keys[i].utf8.count == length, members.keys[i] == name {
                    next = i + 1
                    return members.values[i]
                }
                i += 1
            }
            return nil
        }

        mutating func required<Key: CodingKey, T>(_ key: Key, _ read: (Node, [any CodingKey]) throws -> T) throws -> T {
            guard let node = node(key) else {
                throw DecodingError.keyNotFound(key, .init(codingPath: path, debugDescription: "No value associated with key \(key.stringValue)."))
            }
            return try Self.read(node, key, path, read)
        }

        mutating func optional<Key: CodingKey, T>(_ key: Key, _ read: (Node, [any CodingKey]) throws -> T) throws -> T? {
            guard let node = node(key) else { return nil }
            if case .null = node { return nil }
            return try Self.read(node, key, path, read)
        }

        /// The field's path is built only for an error: read with the object's path first, and
        /// again with the field's when that fails (each call is cheap; an array per field is not).
        private static func read<Key: CodingKey, T>(_ node: Node, _ key: Key, _ path: [any CodingKey], _ read: (Node, [any CodingKey]) throws -> T) throws -> T {
            do { return try read(node, path) } catch { return try read(node, path + [key]) }
        }
    }

    static func date(_ node: Node, path: [any CodingKey]) throws -> Date {
        guard case .string(let text) = node else { throw mismatch(String.self, node, path) }
        guard let date = ISO8601.parse(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "not an ISO 8601 date: \(text)"))
        }
        return date
    }

    /// A value of a string enum (a status), refused as `Decodable` refuses an unknown one.
    static func named<T: RawRepresentable>(_ node: Node, path: [any CodingKey]) throws -> T where T.RawValue == String {
        let text = try string(node, path: path)
        guard let value = T(rawValue: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "Cannot initialize \(T.self) from invalid String value \(text)"))
        }
        return value
    }

    static func strings(_ node: Node, path: [any CodingKey]) throws -> [String] {
        try elements(node, path: path) { try string($0, path: $1) }
    }

    static func summaries(_ node: Node, path: [any CodingKey]) throws -> [JobSummary] {
        try elements(node, path: path) { try JobSummary(node: $0, path: $1) }
    }
}
