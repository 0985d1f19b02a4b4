/// The `{name}` values of one sheet for validation paths, commands and `skip_when_command`,
/// as Marianne's validation engine has them: the score's variables, overridden by the
/// built-ins `sheet_num`, `total_sheets`, `workspace`, `instrument_name`, `movement`,
/// `voice`, `voice_count`, `total_movements`, `stage`, `instance`, `fan_count`,
/// `total_stages` (`voice` and `instance` are Python `None` for a sheet that is not fanned
/// out). This project adds `start_item`, `end_item` and `job_id`.
public struct SheetPlaceholders: Sendable, Equatable {
    /// Name -> value; `.null` is Python's `None`.
    public var values: [String: TemplateValue]
    /// The names Marianne's engine has (for conditions): all but this project's additions.
    public var marianneNames: Set<String>

    public init(values: [String: TemplateValue], marianneNames: Set<String>) {
        self.values = values
        self.marianneNames = marianneNames
    }

    public init(_ loaded: LoadedScore, sheet: PlannedSheet, jobID: String) {
        let voice: TemplateValue = sheet.fanCount > 1 ? .int(sheet.instance) : .null
        var values = loaded.score.prompt.variables
        let marianne: [String: TemplateValue] = [
            "sheet_num": .int(sheet.number), "total_sheets": .int(loaded.sheets.count), "workspace": .string(loaded.workspace),
            "instrument_name": .string(InstrumentResolver.resolve(loaded.score, sheet: sheet).name),
            "movement": .int(sheet.stage), "voice": voice, "voice_count": .int(sheet.fanCount), "total_movements": .int(loaded.totalStages),
            "stage": .int(sheet.stage), "instance": voice, "fan_count": .int(sheet.fanCount), "total_stages": .int(loaded.totalStages),
        ]
        values.merge(marianne) { $1 }
        let names = Set(values.keys)
        values.merge([
            "start_item": .int(sheet.startItem), "end_item": .int(sheet.endItem), "job_id": .string(jobID),
        ]) { $1 }
        self.init(values: values, marianneNames: names)
    }

    /// Integer values for `condition:` (Python bools are integers; `None`, text and lists are
    /// present but not integers).
    public var conditionValues: [String: Int?] {
        var result: [String: Int?] = [:]
        for name in marianneNames {
            switch values[name] {
            case .int(let number)?: result[name] = .some(number)
            case .bool(let flag)?: result[name] = .some(flag ? 1 : 0)
            default: result[name] = .some(nil)
            }
        }
        return result
    }

    /// Python `str()` of each value.
    public var strings: [String: String] {
        values.mapValues(PythonText.str)
    }
}
