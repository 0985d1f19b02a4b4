import Foundation

/// What an attempt's prompt depends on besides the score and the sheet.
public struct PromptAttempt: Sendable, Equatable {
    /// 1 for the first attempt.
    public var number: Int
    /// Earlier attempts of this sheet (for the failure history of a retry).
    public var history: [PastAttempt]
    /// A completion attempt: which one, of how many, and what the attempt before it checked.
    public var completion: Completion?
    /// `--self-healing`: the last failure, for the final attempt.
    public var healingContext: String?
    /// The instrument takes the template alone (its profile's `raw_prompt`); nil: decided from
    /// the builtin profiles.
    public var rawPrompt: Bool?

    public struct Completion: Sendable, Equatable {
        public var attempt: Int
        public var maxAttempts: Int
        public var previous: [ValidationOutcome]

        public init(attempt: Int, maxAttempts: Int, previous: [ValidationOutcome]) {
            self.attempt = attempt
            self.maxAttempts = maxAttempts
            self.previous = previous
        }
    }

    public init(number: Int = 1, history: [PastAttempt] = [], completion: Completion? = nil, healingContext: String? = nil, rawPrompt: Bool? = nil) {
        self.number = number
        self.history = history
        self.completion = completion
        self.healingContext = healingContext
        self.rawPrompt = rawPrompt
    }

    /// A sheet's first attempt.
    public static let first = PromptAttempt()
}

/// Renders what a sheet sends to its instrument.
public enum SheetPrompt {
    /// The prompt of `sheet` for one attempt. For an instrument that takes commands
    /// (`raw_prompt`, like `cli`) the rendered template alone; for an agent, Marianne's
    /// assembly: the preamble, the prelude and cadenza files read now, the template rendered
    /// with them and `crossSheet`, on a retry the failure history, the Success Requirements
    /// of the validations that apply to the sheet, on a completion attempt the completion
    /// prompt, and the prompt extensions. Throws the template's error. `template` is the
    /// score's template already parsed (parse once, render many).
    public static func render(
        _ loaded: LoadedScore, sheet: PlannedSheet, jobID: String, crossSheet: CrossSheetContext = .empty, template: Template? = nil,
        attempt: PromptAttempt = .first
    ) throws -> AssembledPrompt {
        let score = loaded.score
        let raw = attempt.rawPrompt ?? isRaw(InstrumentResolver.resolve(score, sheet: sheet).name)
        var injections = InjectionSections()
        if !raw {
            let items = InjectionResolver.items(forSheet: sheet.number, in: score)
            if !items.isEmpty {
                let pathVariables = SheetVariables.make(loaded, sheet: sheet, jobID: jobID, crossSheet: crossSheet)
                injections = InjectionResolver.resolve(items, variables: pathVariables, workspace: loaded.workspace)
            }
        }
        let variables = SheetVariables.make(loaded, sheet: sheet, jobID: jobID, crossSheet: crossSheet, injections: injections)
        let body = try (template ?? Template(score.prompt.template)).render(variables)
        if raw { return AssembledPrompt(body: body, raw: true) }
        let extensions = (score.prompt.promptExtensions + (score.sheet.promptExtensions[sheet.number] ?? []))
            .filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        let placeholders = SheetPlaceholders(loaded, sheet: sheet, jobID: jobID)
        let rules = SuccessRequirements.applicable(score, sheet: sheet, placeholders: placeholders)
        let preamble = PromptPreamble.make(
            sheet: sheet.number, totalSheets: loaded.sheets.count, workspace: loaded.workspace, retry: max(0, attempt.number - 1),
            parallel: score.parallel.maxConcurrent > 1
        )
        let completion = attempt.completion.map {
            CompletionPrompt.section(sheet: sheet.number, attempt: $0.attempt, maxAttempts: $0.maxAttempts, previous: $0.previous)
        }
        let history = attempt.completion == nil ? FailureHistory.section(sheet: sheet.number, attempts: attempt.history) : nil
        let healing = attempt.healingContext.map { "## Self-Healing\n\nThe previous attempt failed. Failure context:\n\($0)" }
        return AssembledPrompt(
            preamble: preamble, skillsAndTools: injections.skillsAndToolsSection, context: injections.contextSection, body: body,
            failureHistory: history, requirements: SuccessRequirements.section(rules, placeholders: placeholders, workspace: loaded.workspace),
            completion: completion, healing: healing, extensions: extensions
        )
    }

    /// Whether the builtin profile of `instrument` takes the template alone (`cli`).
    static func isRaw(_ instrument: String) -> Bool {
        InstrumentCatalog.builtin.profile(instrument)?.rawPrompt ?? false
    }
}
