import Foundation
import MarianneCore
import MarianneProtocol

/// Checks the validations that apply to a sheet after an attempt (Marianne's `condition`
/// and `sheet`), stage by stage: a failing stage stops the later ones. Paths and commands
/// are expanded with the sheet's placeholders (commands safely, through the environment); a
/// failing rule is checked again `retry_count` times, `retry_delay_ms` apart (a file that
/// appears a moment late). File checks run off the cooperative pool; commands as processes.
struct SheetValidations: Sendable {
    let attempt: SheetAttempt
    let sheet: PlannedSheet
    let placeholders: SheetPlaceholders

    /// The rules of the score that apply to this sheet.
    var rules: [ValidationRule] {
        attempt.loaded.score.validations.filter { $0.applies(to: sheet, placeholders: placeholders) }
    }

    func run(mtimesBefore: [String: Double?]) async -> [ValidationOutcome] {
        let rules = self.rules
        guard !rules.isEmpty else { return [] }
        var outcomes: [ValidationOutcome] = []
        for stage in Set(rules.map(\.stage)).sorted() {
            var stagePassed = true
            for rule in rules where rule.stage == stage {
                var outcome = await check(rule, mtimesBefore: mtimesBefore)
                var retries = 0
                while !outcome.passed, retries < rule.retryCount, !Task.isCancelled {
                    retries += 1
                    try? await Task.sleep(for: .milliseconds(rule.retryDelayMilliseconds))
                    outcome = await check(rule, mtimesBefore: mtimesBefore)
                }
                stagePassed = stagePassed && outcome.passed
                outcomes.append(outcome)
            }
            if !stagePassed { break }
        }
        return outcomes
    }

    private func check(_ rule: ValidationRule, mtimesBefore: [String: Double?]) async -> ValidationOutcome {
        let workspace = attempt.workspace
        let path: String?
        do {
            path = try rule.expandedPath(placeholders, workspace: workspace)
        } catch {
            return ValidationOutcome(type: rule.type.rawValue, description: rule.description ?? rule.type.rawValue, stage: rule.stage, passed: false, message: "\(error)")
        }
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
            guard let regex = RegexBox(PythonRegex.translate(pattern)) else { return outcome(false, "invalid regular expression") }
            return outcome(regex.matches(text), "\(path) does not match /\(pattern)/")
        default:
            return outcome(false, "\(rule.type.rawValue) is not a file check")
        }
    }

    private func command(_ rule: ValidationRule, outcome: (Bool, String?) -> ValidationOutcome) async -> ValidationOutcome {
        guard let command = rule.expandedCommand(placeholders) else { return outcome(false, "no command") }
        let directory: String
        do {
            directory = try rule.expandedWorkingDirectory(placeholders, workspace: attempt.workspace)
        } catch {
            return outcome(false, "\(error)")
        }
        var environment = attempt.baseEnvironment
        environment.merge(command.environment) { $1 }
        environment["MZT_JOB_ID"] = attempt.jobID
        environment["MZT_SHEET_NUM"] = String(sheet.number)
        environment["MZT_WORKSPACE"] = attempt.workspace
        let spec = ProcessSpec(
            executable: "/bin/bash", arguments: ["-c", command.text], environment: environment,
            workingDirectory: directory, stdin: .null, stdout: .null, stderr: .null
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
