/// A sheet's prompt in its parts, in the order Marianne assembles them for an agent.
public struct AssembledPrompt: Sendable, Equatable, Codable {
    /// Positional identity and retry status (`PromptPreamble`).
    public var preamble: String?
    /// "## Injected Skills" / "## Injected Tools".
    public var skillsAndTools: String?
    /// "## Injected Context".
    public var context: String?
    /// The rendered template.
    public var body: String
    /// What went wrong in earlier attempts (`FailureHistory`), on a retry.
    public var failureHistory: String?
    /// What the validations check, for the agent (`SuccessRequirements`).
    public var requirements: String?
    /// After a partial success: what passed and what is left (`CompletionPrompt`).
    public var completion: String?
    /// With `--self-healing`, the last attempt's failure context.
    public var healing: String?
    /// `prompt.prompt_extensions` and the sheet's, blank ones dropped.
    public var extensions: [String]
    /// The instrument takes the rendered template alone (a shell command): no other part.
    public var raw: Bool

    public init(
        preamble: String? = nil, skillsAndTools: String? = nil, context: String? = nil, body: String, failureHistory: String? = nil,
        requirements: String? = nil, completion: String? = nil, healing: String? = nil, extensions: [String] = [], raw: Bool = false
    ) {
        self.preamble = preamble
        self.skillsAndTools = skillsAndTools
        self.context = context
        self.body = body
        self.failureHistory = failureHistory
        self.requirements = requirements
        self.completion = completion
        self.healing = healing
        self.extensions = extensions
        self.raw = raw
    }

    /// The text sent to the instrument, every part a blank line apart: the preamble, skills
    /// and tools, context, the template, the failure history, the requirements, the
    /// completion prompt and the self-healing context, then each extension (as Marianne's
    /// profile backend joins preamble, prompt and extensions).
    public var text: String {
        if raw { return body }
        let parts = [preamble, skillsAndTools, context].compactMap { $0 } + [body]
            + [failureHistory, requirements, completion, healing].compactMap { $0 } + extensions
        return parts.filter { !$0.isEmpty }.joined(separator: "\n\n")
    }
}
