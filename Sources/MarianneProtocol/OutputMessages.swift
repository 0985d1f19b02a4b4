import Foundation

/// `job.output` params: what the sheets of a job wrote to standard output and error (each
/// attempt's files), from where the previous answer ended.
public struct OutputParams: Codable, Sendable, Equatable {
    public var jobID: String
    /// Only this sheet's attempts.
    public var sheet: Int?
    /// The previous answer's `cursor`: bytes already read, by file name. Absent: from the start.
    public var cursor: [String: Int]?
    /// Only the last N lines of each file not in `cursor`.
    public var tailLines: Int?
    /// Most bytes of output in one answer (default 262144, at most 4194304).
    public var maxBytes: Int?

    public init(jobID: String, sheet: Int? = nil, cursor: [String: Int]? = nil, tailLines: Int? = nil, maxBytes: Int? = nil) {
        self.jobID = jobID
        self.sheet = sheet
        self.cursor = cursor
        self.tailLines = tailLines
        self.maxBytes = maxBytes
    }

    public static let defaultBytes = 262_144
    public static let maxBytesLimit = 4_194_304

    enum CodingKeys: String, CodingKey {
        case sheet, cursor
        case jobID = "job_id"
        case tailLines = "tail_lines"
        case maxBytes = "max_bytes"
    }
}

/// New output of one attempt's file.
public struct OutputChunk: Codable, Sendable, Equatable {
    /// `sheet-<n>.<attempt>.out` or `.err`.
    public var file: String
    public var sheet: Int
    public var attempt: Int
    /// `stdout` or `stderr`.
    public var stream: String
    /// Byte offset of `text` in the file.
    public var offset: Int
    public var text: String

    public init(file: String, sheet: Int, attempt: Int, stream: String, offset: Int, text: String) {
        self.file = file
        self.sheet = sheet
        self.attempt = attempt
        self.stream = stream
        self.offset = offset
        self.text = text
    }
}

/// `job.output` result: the new output, the cursor to send next time, and the job's status
/// (follow until it has ended and `more` is false).
public struct OutputResult: Codable, Sendable, Equatable {
    public var jobID: String
    public var status: JobStatus
    public var chunks: [OutputChunk]
    public var cursor: [String: Int]
    /// True when output was left out to keep to `max_bytes`: ask again at once.
    public var more: Bool

    public init(jobID: String, status: JobStatus, chunks: [OutputChunk], cursor: [String: Int], more: Bool) {
        self.jobID = jobID
        self.status = status
        self.chunks = chunks
        self.cursor = cursor
        self.more = more
    }

    enum CodingKeys: String, CodingKey {
        case status, chunks, cursor, more
        case jobID = "job_id"
    }
}
