import Foundation
import MarianneProtocol
import MarianneCore

extension SheetExecutor {
    /// Runs the score's validations by stage; a failing stage stops the later ones.
    func validate(sheet: PlannedSheet, mtimesBefore: [String: Double?]) async -> [ValidationOutcome] {
        let rules = loaded.score.validations
        guard !rules.isEmpty else { return [] }
        var outcomes: [ValidationOutcome] = []
        for stage in Set(rules.map(\.stage)).sorted() {
            var stagePassed = true
            for rule in rules where rule.stage == stage {
                let outcome = await check(rule, sheet: sheet, mtimesBefore: mtimesBefore)
                stagePassed = stagePassed && outcome.passed
                outcomes.append(outcome)
            }
            if !stagePassed { break }
        }
        return outcomes
    }

    private func check(_ rule: ValidationRule, sheet: PlannedSheet, mtimesBefore: [String: Double?]) async -> ValidationOutcome {
        let path = rule.path.map { expand($0, sheet: sheet, quote: false) }
        let label = rule.description ?? "\(rule.type.rawValue) \(path ?? rule.command ?? "")"
        func outcome(_ passed: Bool, _ message: String? = nil) -> ValidationOutcome {
            ValidationOutcome(type: rule.type.rawValue, description: label, stage: rule.stage, passed: passed, message: passed ? nil : message)
        }
        switch rule.type {
        case .fileExists:
            guard let path else { return outcome(false, "no path") }
            return outcome(FileManager.default.fileExists(atPath: path), "\(path) does not exist")
        case .fileModified:
            guard let path else { return outcome(false, "no path") }
            guard let after = Self.mtime(path) else { return outcome(false, "\(path) does not exist") }
            if let before = mtimesBefore[path] ?? nil, after <= before {
                return outcome(false, "\(path) was not modified by the attempt")
            }
            return outcome(true)
        case .contentContains, .contentRegex:
            guard let path else { return outcome(false, "no path") }
            guard let data = FileManager.default.contents(atPath: path) else { return outcome(false, "\(path) cannot be read") }
            let text = String(decoding: data, as: UTF8.self)
            let pattern = rule.pattern ?? ""
            if rule.type == .contentContains {
                return outcome(text.contains(pattern), "\(path) does not contain \"\(pattern)\"")
            }
            guard let regex = NSRegularExpressionBox(pattern) else { return outcome(false, "invalid regular expression") }
            return outcome(regex.matches(text), "\(path) does not match /\(pattern)/")
        case .commandSucceeds:
            let command = expand(rule.command ?? "", sheet: sheet, quote: true)
            var environment = baseEnvironment
            environment["MZT_JOB_ID"] = jobID
            environment["MZT_SHEET_NUM"] = String(sheet.number)
            environment["MZT_WORKSPACE"] = workspace
            let spec = ProcessSpec(
                executable: "/bin/bash", arguments: ["-c", command], environment: environment,
                workingDirectory: workspace, stdin: .null, stdout: .null, stderr: .null
            )
            do {
                let child = try ChildProcess.spawn(spec)
                let (status, timedOut) = await Self.wait(for: child, timeout: rule.timeoutSeconds, killGrace: killGrace)
                await child.terminateGroup(grace: killGrace)
                if timedOut { return outcome(false, "timed out after \(DurationFormatter.human(rule.timeoutSeconds))") }
                return outcome(status.exitCode == 0, Self.describe(status))
            } catch {
                return outcome(false, "could not run: \(error)")
            }
        }
    }
}
