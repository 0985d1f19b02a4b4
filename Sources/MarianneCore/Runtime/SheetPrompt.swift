import Foundation

/// Renders what a sheet sends to its instrument.
public enum SheetPrompt {
    /// The prompt of `sheet`: for an instrument that takes commands (`cli`, the command
    /// backend) the rendered template alone; for an agent, the prelude and cadenza files read
    /// now, the template rendered with them and `crossSheet`, and the prompt extensions.
    /// Throws the template's error. `template` is the score's template already parsed (parse
    /// once, render many).
    public static func render(
        _ loaded: LoadedScore, sheet: PlannedSheet, jobID: String, crossSheet: CrossSheetContext = .empty, template: Template? = nil
    ) throws -> AssembledPrompt {
        let score = loaded.score
        let raw = InstrumentResolver.resolve(score, sheet: sheet).backendType == .command
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
        let extensions = (score.prompt.promptExtensions + (score.sheet.promptExtensions[sheet.number] ?? []))
            .filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        return AssembledPrompt(
            skillsAndTools: injections.skillsAndToolsSection, context: injections.contextSection, body: body,
            extensions: raw ? [] : extensions, raw: raw
        )
    }
}
