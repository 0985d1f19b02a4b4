import Foundation
import Yams

extension ScoreCode {
    /// An `executor` option Slurm runs cannot take: unknown, owned by the conductor, or badly formed.
    public static let slurmOption = "V018"
}

/// Reads an `executor:` value (score, movement, sheet, or the conductor's default):
/// `local`, `slurm`, or a mapping of `type` and the Slurm options. Every problem names the
/// key with its line and column.
public enum ExecutorReader {
    public static let keys: Set<String> = ["type", "partition", "time", "cpus_per_task", "mem", "gres", "account", "qos", "extra_args"]
    static let maxCPUs = 100_000
    static let maxTimeSeconds = 366.0 * 86_400
    static let maxExtraArgs = 64
    static let maxValueBytes = 1024

    /// The executor written at `path` (for messages, e.g. `movements.2.executor`), or nil
    /// when it has errors (they are appended to `problems`).
    public static func read(_ node: Node, path: String, problems: inout [ScoreProblem]) -> ExecutorConfig? {
        let before = problems.count
        func report(_ code: String, _ message: String, _ at: Node, hint: String? = nil) {
            problems.append(ScoreProblem(code: code, message: message, line: at.mark?.line, column: at.mark?.column, hint: hint))
        }
        switch node {
        case .scalar(let scalar):
            guard let type = ExecutorType(rawValue: scalar.string) else {
                report(ScoreCode.invalidValue, "\(path) must be local, slurm, or a mapping with type and Slurm options; got \"\(scalar.string)\"", node)
                return nil
            }
            return ExecutorConfig(type: type)
        case .mapping(let mapping):
            var config = ExecutorConfig()
            var slurmKeys: [Node] = []
            for (keyNode, value) in mapping {
                guard case .scalar(let keyScalar) = keyNode else {
                    report(ScoreCode.wrongType, "\(path) keys must be strings", keyNode)
                    continue
                }
                let key = keyScalar.string
                let full = "\(path).\(key)"
                guard keys.contains(key) else {
                    let hint = ScoreKeys.suggestion(for: key, in: keys).map { "did you mean `\($0)`?" }
                        ?? "known keys: \(keys.sorted().joined(separator: ", "))"
                    report(ScoreCode.slurmOption, "unknown executor option \(full)", keyNode, hint: hint)
                    continue
                }
                if key != "type" { slurmKeys.append(keyNode) }
                switch key {
                case "type":
                    guard case .scalar(let scalar) = value, let type = ExecutorType(rawValue: scalar.string) else {
                        report(ScoreCode.invalidValue, "\(full) must be local or slurm", value)
                        continue
                    }
                    config.type = type
                case "partition", "account", "qos":
                    let text = name(value, full, allowed: ",", report: report)
                    if key == "partition" { config.slurm.partition = text }
                    if key == "account" { config.slurm.account = text }
                    if key == "qos" { config.slurm.qos = text }
                case "gres":
                    config.slurm.gres = name(value, full, allowed: ",:=/", report: report)
                case "time":
                    config.slurm.timeSeconds = time(value, full, report: report)
                case "cpus_per_task":
                    guard let count = value.int, case .scalar(let scalar) = value, scalar.style == .plain else {
                        report(ScoreCode.wrongType, "\(full) must be an integer", value)
                        continue
                    }
                    guard (1...maxCPUs).contains(count) else {
                        report(ScoreCode.invalidValue, "\(full) must be from 1 to \(maxCPUs), got \(count)", value)
                        continue
                    }
                    config.slurm.cpusPerTask = count
                case "mem":
                    config.slurm.mem = memory(value, full, report: report)
                case "extra_args":
                    config.slurm.extraArgs = extraArgs(value, full, report: report)
                default:
                    break
                }
            }
            if config.type == .local, let first = slurmKeys.first {
                report(ScoreCode.slurmOption, "\(path) has Slurm options but type local", first, hint: "set type: slurm, or remove the Slurm options")
            }
            return problems.count == before ? config : nil
        case .sequence, .alias:
            report(ScoreCode.wrongType, "\(path) must be local, slurm, or a mapping with type and Slurm options", node)
            return nil
        }
    }

    /// A partition, account, QOS or GRES: letters, digits and `_.+-`, plus `extra`.
    private static func name(_ node: Node, _ path: String, allowed extra: String, report: (String, String, Node, String?) -> Void) -> String? {
        guard case .scalar(let scalar) = node, !(scalar.style == .plain && node.null != nil) else {
            report(ScoreCode.wrongType, "\(path) must be a string", node, nil)
            return nil
        }
        let text = scalar.string
        let fine = !text.isEmpty && text.utf8.count <= 256 && !text.hasPrefix("-")
            && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.+-".contains($0) || extra.contains($0)) }
        guard fine else {
            report(ScoreCode.invalidValue, "\(path) \"\(text)\" is not a Slurm name", node, "use letters, digits and _.+- (at most 256 characters)")
            return nil
        }
        return text
    }

    /// `30m`, `2h`, `1h30m`, or Slurm's `[D-]HH:MM:SS` / `MM:SS`; a bare number is refused
    /// (Slurm reads minutes where a score reads seconds).
    private static func time(_ node: Node, _ path: String, report: (String, String, Node, String?) -> Void) -> Double? {
        guard case .scalar(let scalar) = node else {
            report(ScoreCode.badDuration, "\(path) must be a duration like 30m or 2h", node, nil)
            return nil
        }
        let text = scalar.string.trimmingCharacters(in: .whitespaces)
        if Double(text) != nil {
            report(ScoreCode.badDuration, "\(path) \"\(text)\" has no unit", node, "write 10m or 1h (a bare number is minutes to Slurm and seconds to a score)")
            return nil
        }
        guard let seconds = SlurmTime.seconds(text) ?? (try? DurationParser.parse(text)) else {
            report(ScoreCode.badDuration, "\(path) \"\(text)\" is not a duration", node, "write it like 30m, 2h, 1h30m or 1-00:00:00")
            return nil
        }
        guard seconds > 0, seconds <= maxTimeSeconds else {
            report(ScoreCode.invalidValue, "\(path) must be more than 0 and at most 366 days", node, nil)
            return nil
        }
        return seconds
    }

    /// `4G`, `500M`, `2048` (megabytes), `0` (all of a node's memory).
    private static func memory(_ node: Node, _ path: String, report: (String, String, Node, String?) -> Void) -> String? {
        guard case .scalar(let scalar) = node else {
            report(ScoreCode.wrongType, "\(path) must be a size like 4G or 500M", node, nil)
            return nil
        }
        var text = scalar.string.uppercased()
        if text.hasSuffix("B") { text.removeLast() }
        let digits = text.last.map { "KMGT".contains($0) } == true ? String(text.dropLast()) : text
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy(\.isASCII), let value = Int(digits), value >= 0 else {
            report(ScoreCode.invalidValue, "\(path) \"\(scalar.string)\" is not a memory size", node, "write it like 4G, 500M or 2048 (megabytes)")
            return nil
        }
        _ = value
        return text
    }

    private static func extraArgs(_ node: Node, _ path: String, report: (String, String, Node, String?) -> Void) -> [String]? {
        guard case .sequence(let items) = node else {
            report(ScoreCode.wrongType, "\(path) must be a list of sbatch options like [\"--nodes=2\"]", node, nil)
            return nil
        }
        guard items.count <= maxExtraArgs else {
            report(ScoreCode.invalidValue, "\(path) has \(items.count) options; at most \(maxExtraArgs) are accepted", node, nil)
            return nil
        }
        var result: [String] = []
        var fine = true
        for (index, item) in items.enumerated() {
            let here = "\(path)[\(index)]"
            guard case .scalar(let scalar) = item else {
                report(ScoreCode.wrongType, "\(here) must be a string", item, nil)
                fine = false
                continue
            }
            if let problem = SbatchOptions.problem(with: scalar.string) {
                report(ScoreCode.slurmOption, "\(here): \(problem.message)", item, problem.hint)
                fine = false
                continue
            }
            result.append(scalar.string)
        }
        return fine ? result : nil
    }
}

/// Slurm's time formats.
public enum SlurmTime {
    /// Seconds of `[D-]HH:MM:SS`, `HH:MM:SS`, `MM:SS`, `D-HH` or `D-HH:MM`; nil for anything else.
    public static func seconds(_ text: String) -> Double? {
        var days = 0
        var rest = Substring(text)
        if let dash = rest.firstIndex(of: "-") {
            guard let value = Int(rest[..<dash]), value >= 0, value <= 1000 else { return nil }
            days = value
            rest = rest[rest.index(after: dash)...]
        } else if !rest.contains(":") {
            return nil
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard !parts.isEmpty, parts.count <= 3, parts.allSatisfy({ ($0 ?? -1) >= 0 && ($0 ?? 0) < 100_000 }) else { return nil }
        let values = parts.compactMap { $0 }
        let (hours, minutes, seconds): (Int, Int, Int)
        switch (days > 0 || text.contains("-"), values.count) {
        case (true, 1): (hours, minutes, seconds) = (values[0], 0, 0)
        case (true, 2): (hours, minutes, seconds) = (values[0], values[1], 0)
        case (_, 3): (hours, minutes, seconds) = (values[0], values[1], values[2])
        case (false, 2): (hours, minutes, seconds) = (0, values[0], values[1])
        default: return nil
        }
        return Double(((days * 24 + hours) * 60 + minutes) * 60 + seconds)
    }

    /// `D-HH:MM:SS` for sbatch, rounded up to whole minutes (Slurm keeps limits in minutes).
    public static func format(_ seconds: Double) -> String {
        let minutes = max(1, Int((min(seconds, 366 * 86_400) / 60).rounded(.up)))
        let days = minutes / 1440, hours = minutes % 1440 / 60, mins = minutes % 60
        let clock = String(format: "%02d:%02d:00", hours, mins)
        return days > 0 ? "\(days)-\(clock)" : clock
    }
}
