import Foundation
import Yams

/// Walks the YAML node tree of a score, building the `Score` and collecting every problem
/// with its line and column. Every number is range-checked here, where it is read.
struct ScoreParser {
    var problems: [ScoreProblem] = []
    /// Where each part of the score was written, for later checks (templates, dependencies).
    var marks: [String: Mark] = [:]
    /// Line offset of the prompt template's first line in the file, and whether it is a block.
    var templateLine: Int?
    /// Problems that only stop the score from running (instruments that do not run here);
    /// warnings for `mzt validate` and the plan.
    var runBlockers: [ScoreProblem] = []
    let baseDirectory: String

    init(baseDirectory: String) {
        self.baseDirectory = baseDirectory
    }

    mutating func report(_ code: String, _ message: String, _ node: Node?, hint: String? = nil, severity: ScoreProblem.Severity = .error) {
        problems.append(ScoreProblem(code: code, message: message, line: node?.mark?.line, column: node?.mark?.column, hint: hint, severity: severity))
    }

    mutating func warn(_ code: String, _ message: String, _ node: Node?, hint: String? = nil) {
        report(code, message, node, hint: hint, severity: .warning)
    }

    // MARK: Typed readers

    mutating func string(_ node: Node, _ path: String) -> String? {
        guard case .scalar(let scalar) = node else {
            report(ScoreCode.wrongType, "\(path) must be a string, got \(Self.describe(node))", node)
            return nil
        }
        if scalar.style == .plain, node.null != nil {
            report(ScoreCode.wrongType, "\(path) must be a string, got nothing", node)
            return nil
        }
        return scalar.string
    }

    /// A string, or nil without a problem when the value is YAML null.
    mutating func optionalString(_ node: Node, _ path: String) -> String? {
        if Self.isNull(node) { return nil }
        return string(node, path)
    }

    /// An integer in `range`. Integral floats (`2.0`, `1e3`) are accepted as Python does.
    mutating func int(_ node: Node, _ path: String, in range: ClosedRange<Int>) -> Int? {
        guard case .scalar(let scalar) = node, scalar.style == .plain, node.bool == nil else {
            report(ScoreCode.wrongType, "\(path) must be an integer, got \(Self.describe(node))", node)
            return nil
        }
        if let value = node.int {
            guard range.contains(value) else {
                report(ScoreCode.invalidValue, "\(path) must be \(Self.describe(range)), got \(value)", node)
                return nil
            }
            return value
        }
        guard let float = node.float else {
            report(ScoreCode.wrongType, "\(path) must be an integer, got \(Self.describe(node))", node)
            return nil
        }
        guard float.isFinite else {
            report(ScoreCode.invalidValue, "\(path) must be a finite integer \(Self.describe(range)), got \(scalar.string)", node)
            return nil
        }
        guard float == float.rounded() else {
            report(ScoreCode.wrongType, "\(path) must be an integer, got \(scalar.string)", node)
            return nil
        }
        guard float >= Double(range.lowerBound), float <= Double(range.upperBound), let exact = Int(exactly: float) else {
            report(ScoreCode.invalidValue, "\(path) must be \(Self.describe(range)), got \(scalar.string)", node)
            return nil
        }
        return exact
    }

    /// A finite number in `range` (NaN and infinities are refused); `above` makes the lower
    /// bound exclusive (Python's `gt`).
    mutating func number(_ node: Node, _ path: String, in range: ClosedRange<Double>, above: Bool = false) -> Double? {
        guard case .scalar(let scalar) = node, scalar.style == .plain, node.bool == nil,
              let value = node.int.map(Double.init) ?? node.float else {
            report(ScoreCode.wrongType, "\(path) must be a number, got \(Self.describe(node))", node)
            return nil
        }
        guard value.isFinite else {
            report(ScoreCode.invalidValue, "\(path) must be a finite number, got \(scalar.string)", node,
                   hint: "the largest accepted value is \(Self.format(range.upperBound))")
            return nil
        }
        let low = above ? value > range.lowerBound : value >= range.lowerBound
        guard low, value <= range.upperBound else {
            let lower = above ? "greater than \(Self.format(range.lowerBound))" : "at least \(Self.format(range.lowerBound))"
            report(ScoreCode.invalidValue, "\(path) must be \(lower) and at most \(Self.format(range.upperBound)), got \(scalar.string)", node)
            return nil
        }
        return value
    }

    /// Seconds: a finite number from 0 (or above 0) to `maximum` (default 30 days).
    mutating func seconds(_ node: Node, _ path: String, above: Bool = false, maximum: Double = ScoreLimits.maxSeconds) -> Double? {
        number(node, path, in: 0...maximum, above: above)
    }

    mutating func bool(_ node: Node, _ path: String) -> Bool? {
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = node.bool else {
            report(ScoreCode.wrongType, "\(path) must be true or false, got \(Self.describe(node))", node)
            return nil
        }
        return value
    }

    /// A duration (`30s`, `10m`, `2h`, `7d` or seconds) of at most `maximum` seconds.
    mutating func duration(_ node: Node, _ path: String, maximum: Double = ScoreLimits.maxSeconds) -> Double? {
        guard case .scalar(let scalar) = node else {
            report(ScoreCode.badDuration, "\(path) must be a duration like 30s, 10m, 2h, 7d", node)
            return nil
        }
        let seconds: Double
        do {
            seconds = try DurationParser.parse(scalar.string)
        } catch {
            report(ScoreCode.badDuration, "\(path): \(error)", node, hint: "write it like 90s, 10m, 1h30m or 7d")
            return nil
        }
        guard seconds <= maximum else {
            report(ScoreCode.invalidValue, "\(path) must be at most \(DurationFormatter.human(maximum)), got \(scalar.string)", node)
            return nil
        }
        return seconds
    }

    mutating func strings(_ node: Node, _ path: String) -> [String]? {
        guard case .sequence(let sequence) = node else {
            report(ScoreCode.wrongType, "\(path) must be a list of strings", node)
            return nil
        }
        return sequence.compactMap { item in
            guard case .scalar(let scalar) = item, !(scalar.style == .plain && item.null != nil) else {
                report(ScoreCode.wrongType, "\(path) items must be strings", item)
                return nil
            }
            return scalar.string
        }
    }

    static func isNull(_ node: Node) -> Bool {
        if case .scalar(let scalar) = node, scalar.style == .plain, node.null != nil { return true }
        return false
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): return scalar.string.isEmpty ? "nothing" : "\"\(scalar.string)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    static func describe(_ range: ClosedRange<Int>) -> String {
        range.upperBound == Int.max ? "at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
    }

    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e18, let exact = Int(exactly: value) { return String(exact) }
        return String(value)
    }

    /// Any YAML value as a template value, as Python's `yaml.safe_load` gives it.
    mutating func templateValue(_ node: Node) -> TemplateValue {
        do {
            return try TemplateValue(yaml: node)
        } catch let error as TemplateError {
            report(ScoreCode.invalidValue, "prompt.variables: \(error.message)", node)
            return .null
        } catch {
            return .null
        }
    }
}
