import Foundation

/// What an instrument's output says, read as its profile describes (`cli.output`).
public struct InstrumentOutput: Sendable, Equatable {
    /// The sheet's output: the result the tool reported, else its whole standard output.
    public var result: String
    /// The tool's own error message (`error_path`), when it gives one.
    public var errorMessage: String?
    public var inputTokens: Int?
    public var outputTokens: Int?
    /// The output had the expected shape (valid JSON, or a completion event) and a result.
    public var structured: Bool
    /// Standard output that is not the expected JSON (a plain-text error printed instead of
    /// the JSON answer); "" for text output.
    public var unstructuredText: String
    /// JSON lines: the events read (for rate-limit events).
    public var events: [JSONValue]

    public init(
        result: String, errorMessage: String? = nil, inputTokens: Int? = nil, outputTokens: Int? = nil, structured: Bool = false,
        unstructuredText: String = "", events: [JSONValue] = []
    ) {
        self.result = result
        self.errorMessage = errorMessage
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.structured = structured
        self.unstructuredText = unstructuredText
        self.events = events
    }

    /// Reads `stdout` by `spec`. `succeeded`: the exit code is one of the profile's success codes.
    public static func parse(_ spec: CLIOutputSpec, stdout: String, succeeded: Bool) -> InstrumentOutput {
        switch spec.format {
        case .text:
            return InstrumentOutput(result: stdout, structured: true)
        case .json:
            return parseJSON(spec, stdout: stdout, succeeded: succeeded)
        case .jsonl:
            return parseLines(spec, stdout: stdout, succeeded: succeeded)
        }
    }

    static func decode(_ text: Substring) -> JSONValue? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let first = trimmed.first, first == "{" || first == "[" else { return nil }
        return try? JSONDecoder().decode(JSONValue.self, from: Data(trimmed.utf8))
    }

    static func parseJSON(_ spec: CLIOutputSpec, stdout: String, succeeded: Bool) -> InstrumentOutput {
        var output = InstrumentOutput(result: stdout)
        // The whole output, else its last line that is JSON (a tool that prints a notice first).
        var document = decode(Substring(stdout))
        if document == nil {
            let lines = stdout.split(separator: "\n")
            if let index = lines.lastIndex(where: { decode($0) != nil }) {
                document = decode(lines[index])
                output.unstructuredText = lines[..<index].joined(separator: "\n")
            }
        }
        guard let document else {
            output.unstructuredText = stdout
            return output
        }
        if let path = spec.errorPath, let error = JSONPath.first(path, in: document) {
            output.errorMessage = JSONPath.text(error)
        }
        if let path = spec.resultPath {
            if let value = JSONPath.first(path, in: document) {
                output.result = JSONPath.text(value)
                output.structured = true
            }
        } else {
            output.structured = true
        }
        (output.inputTokens, output.outputTokens) = tokens(spec, in: [document])
        _ = succeeded
        return output
    }

    static func parseLines(_ spec: CLIOutputSpec, stdout: String, succeeded: Bool) -> InstrumentOutput {
        var output = InstrumentOutput(result: stdout)
        var noise: [Substring] = []
        for line in stdout.split(separator: "\n") where !line.allSatisfy(\.isWhitespace) {
            if let event = decode(line), case .object = event {
                output.events.append(event)
            } else {
                noise.append(line)
            }
        }
        output.unstructuredText = noise.joined(separator: "\n")
        if let type = spec.completionEventType {
            // The last completion event: a tool that speaks several times ends with its answer.
            if let event = output.events.last(where: { matches($0, type: type, filter: spec.completionEventFilter) }) {
                if let path = spec.resultPath {
                    if let value = JSONPath.first(path, in: event) {
                        output.result = JSONPath.text(value)
                        output.structured = true
                    }
                } else {
                    output.structured = true
                }
            }
        } else if !output.events.isEmpty {
            output.structured = true
        }
        if let path = spec.errorPath {
            for event in output.events.reversed() {
                // A result event's text is not an error.
                if let type = spec.completionEventType, matches(event, type: type, filter: spec.completionEventFilter), spec.errorPath == spec.resultPath {
                    continue
                }
                if let error = JSONPath.first(path, in: event) {
                    output.errorMessage = JSONPath.text(error)
                    break
                }
            }
        }
        (output.inputTokens, output.outputTokens) = tokens(spec, in: output.events)
        _ = succeeded
        return output
    }

    /// `type` equals, and every filter field (a dot path) has the given text.
    static func matches(_ event: JSONValue, type: String, filter: [String: String]?) -> Bool {
        guard event["type"]?.stringValue == type else { return false }
        for (path, expected) in filter ?? [:] {
            guard let value = JSONPath.first(path, in: event), JSONPath.text(value) == expected else { return false }
        }
        return true
    }

    /// Token counts: with `aggregate_tokens` the sum of every match over every document;
    /// otherwise the last document's first match.
    static func tokens(_ spec: CLIOutputSpec, in documents: [JSONValue]) -> (Int?, Int?) {
        func count(_ path: String?) -> Int? {
            guard let path else { return nil }
            if spec.aggregateTokens {
                var total = 0
                var found = false
                for document in documents {
                    for value in JSONPath.all(path, in: document) {
                        guard let number = JSONPath.count(value) else { continue }
                        let (sum, overflow) = total.addingReportingOverflow(number)
                        total = overflow ? Int.max : sum
                        found = true
                    }
                }
                return found ? total : nil
            }
            for document in documents.reversed() {
                if let number = JSONPath.count(JSONPath.first(path, in: document)) { return number }
            }
            return nil
        }
        return (count(spec.inputTokensPath), count(spec.outputTokensPath))
    }
}
