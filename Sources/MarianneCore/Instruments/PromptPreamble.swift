/// The first part of an agent's prompt, as Marianne writes it: which sheet of how many, the
/// workspace, on a retry which retry it is, and what success means. Wrapped in
/// `<marianne-preamble>` tags so the agent can tell it from the task.
public enum PromptPreamble {
    /// - Parameters:
    ///   - retry: attempts before this one (0 on the first attempt).
    ///   - parallel: other sheets of the job may run at the same time.
    public static func make(sheet: Int, totalSheets: Int, workspace: String, retry: Int, parallel: Bool) -> String {
        var lines = ["<marianne-preamble>"]
        if retry > 0 { lines.append("RETRY #\(retry)") }
        lines.append("You are sheet \(sheet) of \(totalSheets) in a Marianne concert.")
        lines.append("Workspace: \(workspace)")
        if retry > 0 {
            lines += [
                "",
                "The previous attempt did not pass validation. Look in the workspace for what it left and why",
                "it failed, and take a different approach this time.",
            ]
        } else if parallel {
            lines.append("Other sheets may be running at the same time: coordinate through files in the workspace.")
        }
        lines += [
            "",
            "The prompt states an intent, not a recipe: use your judgment and adapt the approach when the",
            "code, the context or the evidence call for it. Code in the prompt illustrates; it is not",
            "meant to be pasted.",
            "",
            "Success means every validation requirement (listed at the end of the prompt) passes on the",
            "first automatic check. Read them before you start.",
            "",
            "Write every output into the workspace, and leave no process running in the background when you finish.",
            "</marianne-preamble>",
        ]
        return lines.joined(separator: "\n")
    }
}
