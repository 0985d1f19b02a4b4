import Foundation
import MarianneCore
import MarianneProtocol

/// Checks a score's validations after an attempt, stage by stage: a failing stage stops the
/// later ones. File checks run off the cooperative pool; commands run as processes.
struct SheetValidations: Sendable {
    let attempt: SheetAttempt
    let sheet: PlannedSheet

    func run(mtimesBefore: [String: Double?]) async -> [ValidationOutcome] {
        let rules = attempt.loaded.score.validations
        guard !rules.isEmpty else { return [] }
        var outcomes: [ValidationOutcome] = []
        for stage in Set(rules.map(\.stage)).sorted() {
            var stagePassed = true
            for rule in rules where rule.stage == stage {
                let outcome = await check(rule, mtimesBefore: mtimesBefore)
                stagePassed = stagePassed && outcome.passed
                outcomes.append(outcome)
            }
            if !stagePassed { break }
        }
        return outcomes
    }

    private func check(_ rule: ValidationRule, mtimesBefore: [String: Double?]) async -> ValidationOutcome {
        let path = rule.path.map { attempt.expand($0, sheet: sheet, quote: false) }
        let label = rule.description ?? "\(rule.type.rawValue) \(path ?? rule.command ?? "")"
        let outcome: @Sendable (Bool, String?) -> ValidationOutcome = { passed, message in
            ValidationOutcome(type: rule.type.rawValue, description: label, stage: rule.stage, passed: passed, message: passed ? nil : message)
        }
        if rule.type == .commandSucceeds {
            return await command(rule, outcome: outcome)
        }
        guard let path else { return outcome(false, "no path") }
        return await OffPool.run { Self.checkFile(rule, path: path, mtimesBefore: mtimesBefore, outcome: outcome) }
    }

    private static func checkFile(
        _ rule: ValidationRule, path: String, mtimesBefore: [String: Double?], outcome: (Bool, String?) -> ValidationOutcome
    ) -> ValidationOutcome {
        switch rule.type {
        case .fileExists:
            return outcome(access(path, F_OK) == 0, "\(path) does not exist")
        case .fileModified:
            guard let after = SheetAttempt.mtime(path) else { return outcome(false, "\(path) does not exist") }
            if let before = mtimesBefore[path] ?? nil, after <= before {
                return outcome(false, "\(path) was not modified by the attempt")
            }
            return outcome(true, nil)
        case .contentContains, .contentRegex:
            guard let data = FileManager.default.contents(atPath: path) else { return outcome(false, "\(path) cannot be read") }
            let text = String(decoding: data, as: UTF8.self)
            let pattern = rule.pattern ?? ""
            if rule.type == .contentContains {
                return outcome(text.contains(pattern), "\(path) does not contain \"\(pattern)\"")
            }
            guard let regex = RegexBox(pattern) else { return outcome(false, "invalid regular expression") }
            return outcome(regex.matches(text), "\(path) does not match /\(pattern)/")
        case .commandSucceeds:
            return outcome(false, "not a file check")
        }
    }

    private func command(_ rule: ValidationRule, outcome: (Bool, String?) -> ValidationOutcome) async -> ValidationOutcome {
        let text = attempt.expand(rule.command ?? "", sheet: sheet, quote: true)
        var environment = attempt.baseEnvironment
        environment["MZT_JOB_ID"] = attempt.jobID
        environment["MZT_SHEET_NUM"] = String(sheet.number)
        environment["MZT_WORKSPACE"] = attempt.workspace
        let spec = ProcessSpec(
            executable: "/bin/bash", arguments: ["-c", text], environment: environment,
            workingDirectory: attempt.workspace, stdin: .null, stdout: .null, stderr: .null
        )
        do {
            let result = try await ProcessRunner.run(spec, timeout: rule.timeoutSeconds, grace: attempt.killGrace)
            if result.timedOut { return outcome(false, "timed out after \(DurationFormatter.human(rule.timeoutSeconds))") }
            if result.cancelled { return outcome(false, "interrupted") }
            return outcome(result.status.exitCode == 0, result.status.description)
        } catch {
            return outcome(false, "could not run: \(error)")
        }
    }
}
