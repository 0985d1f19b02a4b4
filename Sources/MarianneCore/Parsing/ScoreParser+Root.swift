import Foundation
import Yams

extension ScoreParser {
    /// Builds the score from the root mapping. Returns nil when required parts are missing.
    mutating func parseScore(_ root: Node) -> Score? {
        guard let entries = mapping(root, "", known: ScoreKeys.root, section: "") else { return nil }
        var name: String?
        var score = Score(name: "")
        var sawPrompt = false
        for (key, keyNode, value) in entries {
            marks[key] = keyNode.mark
            switch key {
            case "name":
                name = string(value, "name")
                if let candidate = name, !Self.isValidName(candidate) {
                    report(ScoreCode.invalidName, "name \"\(candidate)\" cannot be a job id", value,
                           hint: "use 1-64 letters, digits, '.', '_' or '-', not starting with '.'")
                }
            case "description": score.description = optionalString(value, "description")
            case "workspace":
                guard let workspace = string(value, "workspace") else { continue }
                if workspace.isEmpty { report(ScoreCode.invalidValue, "workspace must not be empty", value) }
                if workspace.utf8.count > 4096 { report(ScoreCode.invalidValue, "workspace is longer than 4096 bytes", value) }
                score.workspace = workspace
            case "backend": parseBackend(value, into: &score.backend)
            case "instrument":
                score.instrument = string(value, "instrument")
                if score.instrument?.isEmpty == true { report(ScoreCode.invalidValue, "instrument must not be empty", value) }
            case "instrument_config": score.instrumentConfig = instrumentConfig(value, "instrument_config")
            case "instrument_fallbacks": score.instrumentFallbacks = strings(value, key) ?? []
            case "instruments": score.instruments = parseInstruments(value)
            case "movements": score.movements = parseMovements(value)
            case "sheet": parseSheet(value, into: &score.sheet)
            case "prompt":
                sawPrompt = true
                parsePrompt(value, into: &score.prompt)
            case "validations": score.validations = parseValidations(value)
            case "retry": parseRetry(value, into: &score.retry, completion: &score.limits.completion)
            case "parallel": parseParallel(value, into: &score.parallel)
            case "max_duration": score.maxDurationSeconds = duration(value, "max_duration", maximum: ScoreLimits.maxJobSeconds)
            case "pause_between_sheets_seconds": score.pauseBetweenSheetsSeconds = seconds(value, key) ?? 0
            case "on_success": (score.onSuccess, score.postSuccessHooks) = parseHooks(value)
            case "concert": score.concert = parseConcert(value)
            case "cross_sheet": score.crossSheet = Self.isNull(value) ? nil : parseCrossSheet(value)
            case "executor": score.executor = parseExecutor(value, "executor")
            case "rate_limit", "cost_limits", "stale_detection", "circuit_breaker", "isolation":
                if !Self.isNull(value) { parseLimit(key, value, into: &score.limits) }
            default: break
            }
        }
        warnUnappliedInstrumentConfig(score)
        mergeVoices(&score)
        if name == nil, !entries.contains(where: { $0.0 == "name" }) {
            report(ScoreCode.missingKey, "the score needs a name", root, hint: "add `name: my-job` (it becomes the job id)")
        }
        if !sawPrompt {
            report(ScoreCode.missingKey, "the score needs a prompt", root, hint: "add `prompt: {template: \"echo hello\"}`")
        }
        guard let name else { return nil }
        score.name = name
        return score
    }

    static func isValidName(_ name: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        return !name.isEmpty && name.count <= 64 && !name.hasPrefix(".") && name.allSatisfy(allowed.contains)
    }

    /// `movements.N.voices` is shorthand for `sheet.fan_out: {N: voices}`.
    mutating func mergeVoices(_ score: inout Score) {
        for (number, movement) in score.movements.sorted(by: { $0.key < $1.key }) {
            guard let voices = movement.voices else { continue }
            if let written = score.sheet.fanOut[number], written != voices {
                problems.append(ScoreProblem(
                    code: ScoreCode.badFanOut, message: "movements.\(number).voices is \(voices) but sheet.fan_out.\(number) is \(written)",
                    line: marks["movements"]?.line, column: marks["movements"]?.column, hint: "give the count in one place"
                ))
                continue
            }
            score.sheet.fanOut[number] = voices
        }
    }
}
