import Foundation
import Yams

/// Checks that need the whole score and its sheet plan.
enum ScoreChecks {
    /// Validation placeholders Marianne's engine (and this project) always defines.
    static let placeholders: Set<String> = [
        "sheet_num", "total_sheets", "workspace", "instrument_name", "movement", "voice", "voice_count", "total_movements",
        "stage", "instance", "fan_count", "total_stages", "start_item", "end_item", "job_id",
    ]

    /// With fan-out, `skip_when` and `skip_when_command` are keyed by stage; every sheet of
    /// the stage gets the rule (Marianne's expansion).
    static func expandStageKeys(_ score: inout Score, plan: SheetPlanner.Plan) {
        guard !score.sheet.fanOut.isEmpty else { return }
        var skipWhen: [Int: String] = [:]
        for (stage, expression) in score.sheet.skipWhen {
            for sheet in plan.stageSheets[stage] ?? [stage] { skipWhen[sheet] = expression }
        }
        var skipCommands: [Int: SkipWhenCommand] = [:]
        for (stage, command) in score.sheet.skipWhenCommand {
            for sheet in plan.stageSheets[stage] ?? [stage] { skipCommands[sheet] = command }
        }
        score.sheet.skipWhen = skipWhen
        score.sheet.skipWhenCommand = skipCommands
    }

    /// `{name}` in validation paths and working directories must be a known placeholder or a
    /// score variable: Marianne's `str.format` fails the check otherwise. Commands keep
    /// unknown braces as text, so they are not checked.
    static func checkPlaceholders(_ score: Score, marks: [String: Mark], problems: inout [ScoreProblem]) {
        let known = placeholders.union(score.prompt.variables.keys)
        for (index, rule) in score.validations.enumerated() {
            let mark = marks["validations[\(index)]"]
            for (field, text) in [("path", rule.path), ("working_directory", rule.workingDirectory)] {
                guard let text else { continue }
                do {
                    for name in try PathTemplate.names(in: text) where !known.contains(name) {
                        problems.append(ScoreProblem(
                            code: ScoreCode.undefinedVariable, message: "validations[\(index)].\(field): unknown placeholder {\(name)}",
                            line: mark?.line, column: mark?.column,
                            hint: ScoreKeys.suggestion(for: name, in: known).map { "did you mean {\($0)}?" }
                                ?? "known: " + placeholders.sorted().map { "{\($0)}" }.joined(separator: ", ") + ", and prompt.variables"
                        ))
                    }
                } catch {
                    problems.append(ScoreProblem(
                        code: ScoreCode.undefinedVariable, message: "validations[\(index)].\(field): \(error)", line: mark?.line, column: mark?.column,
                        hint: "placeholders are {name}; write {{ and }} for literal braces"
                    ))
                }
            }
        }
    }

    /// Keys naming sheets (or movements) that do not exist never apply: W004.
    static func checkSheetKeys(_ score: Score, sheets: [PlannedSheet], marks: [String: Mark], problems: inout [ScoreProblem]) {
        let count = sheets.count
        let stages = Set(sheets.map(\.stage)).count
        func warn(_ key: String, _ numbers: [Int], limit: Int, what: String = "sheet") {
            let outside = numbers.filter { $0 > limit }.sorted()
            guard let first = outside.first else { return }
            let mark = marks[key] ?? marks[key.split(separator: ".").first.map(String.init) ?? key]
            let list = outside.prefix(5).map(String.init).joined(separator: ", ") + (outside.count > 5 ? ", ..." : "")
            problems.append(ScoreProblem(
                code: ScoreCode.unusedSheetKey, message: "\(key) names \(what)\(outside.count == 1 ? "" : "s") \(list), but there \(limit == 1 ? "is" : "are") \(limit)",
                line: mark?.line, column: mark?.column, hint: first > limit ? "it never applies" : nil, severity: .warning
            ))
        }
        let sheet = score.sheet
        warn("sheet.descriptions", Array(sheet.descriptions.keys), limit: count)
        warn("sheet.skip_when", Array(sheet.skipWhen.keys), limit: count)
        warn("sheet.skip_when_command", Array(sheet.skipWhenCommand.keys), limit: count)
        warn("sheet.cadenzas", Array(sheet.cadenzas.keys), limit: count)
        warn("sheet.prompt_extensions", Array(sheet.promptExtensions.keys), limit: count)
        warn("sheet.per_sheet_instruments", Array(sheet.perSheetInstruments.keys), limit: count)
        warn("sheet.per_sheet_instrument_config", Array(sheet.perSheetInstrumentConfig.keys), limit: count)
        warn("sheet.per_sheet_fallbacks", Array(sheet.perSheetFallbacks.keys), limit: count)
        warn("sheet.instrument_map", sheet.instrumentMap.values.flatMap { $0 }, limit: count)
        warn("sheet.per_sheet_executors", Array(sheet.perSheetExecutors.keys), limit: count)
        warn("backend", Array(score.backend.timeoutOverrides.keys), limit: count)
        warn("movements", Array(score.movements.keys), limit: stages, what: "movement")
    }

    /// Every sheet's instrument (and each fallback) must be a profile of `catalog`: an
    /// instrument that is unknown, an HTTP profile, one of Marianne's own backends or a profile
    /// file that does not load stops `mzt submit` (W002 for `mzt validate`). An unknown fallback
    /// is a warning only: the chain skips it.
    static func checkSheetInstruments(
        _ score: Score, sheets: [PlannedSheet], catalog: InstrumentCatalog, marks: [String: Mark], problems: inout [ScoreProblem],
        blockers: inout [ScoreProblem]
    ) {
        var byInstrument: [String: [Int]] = [:]
        for sheet in sheets {
            let resolved = InstrumentResolver.resolve(score, sheet: sheet)
            if catalog.profile(resolved.name)?.kind != "cli" { byInstrument[resolved.name, default: []].append(sheet.number) }
        }
        let mark = marks["instrument"] ?? marks["movements"] ?? marks["sheet"] ?? marks["instruments"]
        let known = catalog.names.union(score.instruments.keys)
        for (name, numbers) in byInstrument.sorted(by: { $0.key < $1.key }) {
            let list = numbers.prefix(8).map(String.init).joined(separator: ", ") + (numbers.count > 8 ? ", ..." : "")
            let which = "sheet\(numbers.count == 1 ? "" : "s") \(list) play\(numbers.count == 1 ? "s" : "")"
            let message: String
            var hint: String?
            if let profile = catalog.profile(name) {
                message = "\(which) \(name), an \(profile.kind) instrument: this conductor runs command-line (cli) instruments"
            } else if InstrumentCatalog.nativeOnly.contains(name) {
                message = "\(which) \(name), one of Marianne's own backends: it does not run here"
                hint = "use a command-line instrument such as claude-code or gemini-cli"
            } else if let broken = catalog.problems(forFileOf: name).first {
                message = "\(which) \(name), whose profile does not load: \(broken)"
                hint = "fix the profile; mzt instruments check \(name) shows every problem"
            } else {
                message = "\(which) unknown instrument \(name)"
                hint = ScoreKeys.suggestion(for: name, in: known).map { "did you mean `\($0)`?" }
                    ?? "mzt instruments list shows the instruments; add a profile to $MZT_HOME/instruments/ or .marianne/instruments/"
            }
            let problem = ScoreProblem(code: ScoreCode.instrument, message: message, line: mark?.line, column: mark?.column, hint: hint, severity: .warning)
            problems.append(problem)
            blockers.append(problem)
        }
        let fallbacks = score.instrumentFallbacks + score.movements.values.flatMap(\.instrumentFallbacks) + score.sheet.perSheetFallbacks.values.flatMap { $0 }
        for name in Set(fallbacks).sorted() where !known.contains(name) {
            problems.append(ScoreProblem(
                code: ScoreCode.instrument, message: "instrument fallback \(name) is not a known instrument; the chain skips it",
                line: marks["instrument_fallbacks"]?.line, column: marks["instrument_fallbacks"]?.column,
                hint: ScoreKeys.suggestion(for: name, in: known).map { "did you mean `\($0)`?" }, severity: .warning
            ))
        }
    }
}
