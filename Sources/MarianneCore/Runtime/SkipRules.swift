import Foundation

/// What a runner needs to decide whether to skip a sheet (`sheet.skip_when`,
/// `sheet.skip_when_command`), with Marianne's semantics.
public enum SkipRules {
    /// The outcome of a `skip_when` expression.
    public enum Decision: Sendable, Equatable {
        case skip
        case run
        /// The expression failed; the sheet runs (fail-open) and the error is worth logging.
        case runAfterError(String)

        public var skips: Bool { self == .skip }
    }

    /// A `skip_when_command` ready to run: `bash -c text` in `workingDirectory` with the
    /// `environment` added, stopped after `timeoutSeconds`.
    public struct Command: Sendable, Equatable, Codable {
        public var command: ShellCommand
        public var description: String?
        public var timeoutSeconds: Double
        public var workingDirectory: String
    }

    /// The expression of a sheet, if any.
    public static func expression(forSheet number: Int, in score: Score) -> String? {
        score.sheet.skipWhen[number]
    }

    /// Marianne evaluates the expression with `sheets` (number -> state) and `job`; a true
    /// value skips the sheet; an error runs it.
    public static func evaluate(_ expression: String, states: [SheetState], job: JobCheckpoint? = nil) -> Decision {
        do {
            let parsed = try SkipExpression(expression)
            let value = try parsed.evaluate(names(states: states, job: job))
            return value.truthy ? .skip : .run
        } catch {
            return .runAfterError("\(error)")
        }
    }

    /// `sheets` and `job` as the expression sees them (Marianne's attribute names).
    public static func names(states: [SheetState], job: JobCheckpoint?) -> [String: PyValue] {
        let sheets = states.sorted { $0.number < $1.number }.map { PyPair(key: .int($0.number), value: object($0)) }
        var names: [String: PyValue] = ["sheets": .dict(sheets)]
        if let job {
            names["job"] = .object("CheckpointState", [
                "job_id": .string(job.jobID), "job_name": .string(job.name), "status": .string(job.status.rawValue),
                "total_sheets": .int(job.totalSheets), "last_completed_sheet": .int(job.lastCompletedSheet),
            ])
        } else {
            names["job"] = PyValue.none
        }
        return names
    }

    static func object(_ state: SheetState) -> PyValue {
        let validationPassed: PyValue
        if state.validations.isEmpty {
            validationPassed = state.status == .completed ? .bool(true) : .none
        } else {
            validationPassed = .bool(state.validations.allSatisfy(\.passed))
        }
        func optional(_ value: String?) -> PyValue { value.map(PyValue.string) ?? .none }
        func optional(_ value: Int32?) -> PyValue { value.map { .int(Int($0)) } ?? .none }
        return .object("SheetState", [
            "sheet_num": .int(state.number), "status": .string(state.status == .running ? "in_progress" : state.status.rawValue),
            "attempt_count": .int(state.attempts), "exit_code": optional(state.exitCode), "exit_signal": optional(state.signal),
            "error_message": optional(state.error), "validation_passed": validationPassed,
            "stdout_tail": optional(state.stdoutTail), "stderr_tail": optional(state.stderrTail),
            "passed_validations": .list(state.validations.filter(\.passed).map { .string($0.description) }),
            "failed_validations": .list(state.validations.filter { !$0.passed }.map { .string($0.description) }),
        ])
    }

    /// The sheet's `skip_when_command` with its placeholders substituted safely; exit 0
    /// skips the sheet, anything else (failure, timeout, not starting) runs it.
    public static func command(forSheet sheet: PlannedSheet, in loaded: LoadedScore, jobID: String) -> Command? {
        guard let rule = loaded.score.sheet.skipWhenCommand[sheet.number] else { return nil }
        let placeholders = SheetPlaceholders(loaded, sheet: sheet, jobID: jobID)
        return Command(
            command: ShellSubstitution.substitute(rule.command, values: placeholders.strings), description: rule.description,
            timeoutSeconds: rule.timeoutSeconds, workingDirectory: loaded.workspace
        )
    }

    /// Whether a finished `skip_when_command` skips its sheet: only exit status 0 does.
    public static func skips(exitCode: Int32?, timedOut: Bool) -> Bool {
        !timedOut && exitCode == 0
    }
}
