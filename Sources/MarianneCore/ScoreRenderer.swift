import Foundation

/// Renders a sheet's command and expands placeholders in validation paths and commands.
/// The conductor's entry points; the parts are `SheetPrompt`, `SheetVariables`,
/// `SheetPlaceholders` and `ShellSubstitution`.
public enum ScoreRenderer {
    /// The built-in template variables of a sheet.
    public static func builtins(_ sheet: PlannedSheet, totalSheets: Int, workspace: String, jobID: String) -> [String: TemplateValue] {
        [
            "sheet_num": .int(sheet.number), "total_sheets": .int(totalSheets), "start_item": .int(sheet.startItem),
            "end_item": .int(sheet.endItem), "workspace": .string(workspace), "stage": .int(sheet.stage),
            "instance": .int(sheet.instance), "fan_count": .int(sheet.fanCount), "job_id": .string(jobID),
        ]
    }

    /// The prompt (the shell command for the command backend) of one sheet at its first
    /// attempt: `SheetPrompt.render(...).text` with no earlier outputs.
    public static func renderPrompt(_ loaded: LoadedScore, sheet: PlannedSheet, jobID: String) throws -> String {
        try SheetPrompt.render(loaded, sheet: sheet, jobID: jobID).text
    }

    /// Replaces `{workspace}`, `{sheet_num}`, ... With `quoteForShell`, each value is
    /// shell-quoted, so no value can inject shell syntax into a command.
    public static func expandPlaceholders(_ text: String, sheet: PlannedSheet, totalSheets: Int, workspace: String, jobID: String, quoteForShell: Bool) -> String {
        let values = builtins(sheet, totalSheets: totalSheets, workspace: workspace, jobID: jobID)
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            let after = rest[rest.index(after: open)...]
            if let close = after.firstIndex(of: "}"), let value = values[String(after[..<close])] {
                result += quoteForShell ? ShellQuote.quote(value.pythonString) : value.pythonString
                rest = after[after.index(after: close)...]
            } else {
                result += "{"
                rest = after
            }
        }
        return result + rest
    }
}
