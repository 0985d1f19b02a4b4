import Foundation

extension ValidationRule {
    /// Whether the rule applies to `sheet`, judged from the sheet alone (`sheet_num`, `stage`,
    /// `movement`, `instance`, `voice`, `fan_count`, `voice_count`); other names in the
    /// condition count as true. `applies(to:placeholders:)` knows the whole score.
    public func applies(to sheet: PlannedSheet) -> Bool {
        let voice: Int? = sheet.fanCount > 1 ? sheet.instance : nil
        return ValidationCondition.evaluate(condition, values: [
            "sheet_num": sheet.number, "stage": sheet.stage, "movement": sheet.stage, "instance": voice, "voice": voice,
            "fan_count": sheet.fanCount, "voice_count": sheet.fanCount,
        ])
    }

    /// Whether the rule applies, with every value Marianne's engine has for the sheet.
    public func applies(to sheet: PlannedSheet, placeholders: SheetPlaceholders) -> Bool {
        ValidationCondition.evaluate(condition, values: placeholders.conditionValues)
    }

    /// The file the rule checks: `path` expanded (Python `str.format`) and resolved; a relative
    /// result is taken from the workspace.
    public func expandedPath(_ placeholders: SheetPlaceholders, workspace: String) throws -> String? {
        guard let path else { return nil }
        return RealPath.resolve(try PathTemplate.format(path, placeholders.values), relativeTo: workspace)
    }

    /// The directory a command runs in: `working_directory` expanded and resolved, else the workspace.
    public func expandedWorkingDirectory(_ placeholders: SheetPlaceholders, workspace: String) throws -> String {
        guard let workingDirectory else { return workspace }
        return RealPath.resolve(try PathTemplate.format(workingDirectory, placeholders.values), relativeTo: workspace)
    }

    /// The command with its placeholders substituted safely (see `ShellSubstitution`).
    public func expandedCommand(_ placeholders: SheetPlaceholders) -> ShellCommand? {
        command.map { ShellSubstitution.substitute($0, values: placeholders.strings) }
    }
}
