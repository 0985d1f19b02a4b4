/// A sheet's prompt in its parts, in the order Marianne assembles them. Parts this project
/// does not produce yet (Marianne's preamble, "Success Requirements", failure history) have
/// their place here so they can be added in one spot.
public struct AssembledPrompt: Sendable, Equatable, Codable {
    /// Positional identity and retry status (Marianne's preamble); not produced yet.
    public var preamble: String?
    /// "## Injected Skills" / "## Injected Tools".
    public var skillsAndTools: String?
    /// "## Injected Context".
    public var context: String?
    /// The rendered template.
    public var body: String
    /// Lessons from earlier failures; not produced yet.
    public var failureHistory: String?
    /// What the validations check, for the agent; not produced yet.
    public var requirements: String?
    /// `prompt.prompt_extensions` and the sheet's, blank ones dropped.
    public var extensions: [String]
    /// The instrument takes the rendered template alone (a shell command): no other part.
    public var raw: Bool

    public init(
        preamble: String? = nil, skillsAndTools: String? = nil, context: String? = nil, body: String, failureHistory: String? = nil,
        requirements: String? = nil, extensions: [String] = [], raw: Bool = false
    ) {
        self.preamble = preamble
        self.skillsAndTools = skillsAndTools
        self.context = context
        self.body = body
        self.failureHistory = failureHistory
        self.requirements = requirements
        self.extensions = extensions
        self.raw = raw
    }

    /// The text sent to the instrument: skills and tools, context, the template, failure
    /// history and requirements, separated by blank lines; then the preamble goes first and the
    /// extensions last, one line apart (as Marianne's claude backend adds them).
    public var text: String {
        if raw { return body }
        var main = [skillsAndTools, context].compactMap { $0 }.filter { !$0.isEmpty }
        main.append(body)
        main += [failureHistory, requirements].compactMap { $0 }.filter { !$0.isEmpty }
        var parts: [String] = []
        if let preamble, !preamble.isEmpty { parts.append(preamble) }
        parts.append(main.joined(separator: "\n\n"))
        if !extensions.isEmpty { parts.append(extensions.joined(separator: "\n")) }
        return parts.joined(separator: "\n")
    }
}
