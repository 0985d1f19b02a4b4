/// The template variables of one sheet, as Marianne gives them to a prompt: the built-ins
/// (this project's and Marianne's names), then the score's `prompt.variables` (which win over
/// built-ins, as in Marianne), then `stakes` and `thinking_method` ("" when not set).
public enum SheetVariables {
    /// - Parameters:
    ///   - crossSheet: `previous_outputs`, `previous_files`, `skipped_upstream` (empty at the plan).
    ///   - injections: the sheet's prelude/cadenza content (`injected_context`, ...).
    public static func make(
        _ loaded: LoadedScore, sheet: PlannedSheet, jobID: String, crossSheet: CrossSheetContext = .empty,
        injections: InjectionSections = InjectionSections()
    ) -> [String: TemplateValue] {
        let score = loaded.score
        var variables = builtins(loaded, sheet: sheet, jobID: jobID)
        variables["previous_outputs"] = TemplateValues.intKeyed(crossSheet.previousOutputs.mapValues(TemplateValue.string))
        variables["previous_files"] = .map(TemplateMap(crossSheet.previousFiles.mapValues(TemplateValue.string)))
        variables["skipped_upstream"] = .list(crossSheet.skippedUpstream.map(TemplateValue.int))
        variables["injected_context"] = .list(injections.context.map(TemplateValue.string))
        variables["injected_skills"] = .list(injections.skills.map(TemplateValue.string))
        variables["injected_tools"] = .list(injections.tools.map(TemplateValue.string))
        variables.merge(score.prompt.variables) { $1 }
        variables["stakes"] = .string(score.prompt.stakes ?? "")
        variables["thinking_method"] = .string(score.prompt.thinkingMethod ?? "")
        return variables
    }

    /// The identity of a sheet: `sheet_num`, `total_sheets`, `start_item`, `end_item`,
    /// `workspace`, `job_id`, `instrument_name`, and both vocabularies of fan-out: `stage` /
    /// `movement`, `instance` / `voice` (1 when not fanned out), `fan_count` / `voice_count`,
    /// `total_stages` / `total_movements`.
    public static func builtins(_ loaded: LoadedScore, sheet: PlannedSheet, jobID: String) -> [String: TemplateValue] {
        let stages = loaded.totalStages
        return [
            "sheet_num": .int(sheet.number), "total_sheets": .int(loaded.sheets.count), "start_item": .int(sheet.startItem),
            "end_item": .int(sheet.endItem), "workspace": .string(loaded.workspace), "job_id": .string(jobID),
            "instrument_name": .string(InstrumentResolver.resolve(loaded.score, sheet: sheet).name),
            "stage": .int(sheet.stage), "instance": .int(sheet.instance), "fan_count": .int(sheet.fanCount), "total_stages": .int(stages),
            "movement": .int(sheet.stage), "voice": .int(sheet.instance), "voice_count": .int(sheet.fanCount), "total_movements": .int(stages),
        ]
    }
}

/// Building template values whose shape the template engine decides.
public enum TemplateValues {
    /// A mapping keyed by integers (`previous_outputs[2]`), in key order.
    public static func intKeyed(_ values: [Int: TemplateValue]) -> TemplateValue {
        .map(TemplateMap(values.sorted { $0.key < $1.key }.map { (TemplateValue.int($0.key), $0.value) }))
    }
}
