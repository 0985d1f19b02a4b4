import CYaml
import Foundation

/// Refuses YAML that would make composing and walking it expensive, before the node tree is
/// built: too large, nested too deeply, or with too many aliases. Depth and aliases are
/// counted from the YAML parser's events, so text that merely looks like an alias (`**bold**`
/// in a prompt) does not count.
enum YAMLGuard {
    static func problem(_ yaml: String, maxBytes: Int, maxDepth: Int, maxAliases: Int) -> ScoreProblem? {
        let bytes = Array(yaml.utf8)
        if bytes.count > maxBytes {
            return ScoreProblem(code: ScoreCode.hostileInput, message: "the score is \(bytes.count) bytes; scores are limited to \(maxBytes) bytes", line: 1, column: 1)
        }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeBufferPointer { buffer -> ScoreProblem? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var depth = 0
            var aliases = 0
            while true {
                var event = yaml_event_t()
                // A syntax error is left to the composer, which reports it with its place;
                // libyaml's own nesting limit is hostile input.
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    guard let problem = parser.problem, String(cString: problem).contains("nesting") else { return nil }
                    return ScoreProblem(code: ScoreCode.hostileInput, message: "the score is nested more than \(maxDepth) levels deep",
                                        line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
                }
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1
                let column = Int(event.start_mark.column) + 1
                switch event.type {
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    depth += 1
                    if depth > maxDepth {
                        return ScoreProblem(code: ScoreCode.hostileInput, message: "the score is nested more than \(maxDepth) levels deep", line: line, column: column)
                    }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    depth -= 1
                case YAML_ALIAS_EVENT:
                    aliases += 1
                    if aliases > maxAliases {
                        return ScoreProblem(code: ScoreCode.hostileInput, message: "the score uses more than \(maxAliases) YAML aliases", line: line, column: column,
                                            hint: "aliases can expand exponentially; write the values out")
                    }
                case YAML_STREAM_END_EVENT:
                    return nil
                default:
                    break
                }
            }
        }
    }
}
