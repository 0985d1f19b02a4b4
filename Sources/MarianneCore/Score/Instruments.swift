/// A named instrument of a score (`instruments: {alias: {profile, config}}`).
public struct InstrumentDefinition: Sendable, Equatable, Codable {
    /// The instrument profile it stands for, e.g. `claude-code`, `gemini-cli`, `cli`.
    public var profile: String
    /// Settings merged over the profile's defaults.
    public var config: [String: JSONValue]

    public init(profile: String, config: [String: JSONValue] = [:]) {
        self.profile = profile
        self.config = config
    }
}

/// A movement (a stage before fan-out) of a score: `movements: {2: {name, voices, instrument}}`.
public struct Movement: Sendable, Equatable, Codable {
    public var name: String?
    /// The instrument of the movement's sheets (below per-sheet and `instrument_map`).
    public var instrument: String?
    /// Settings merged over the score's `instrument_config` for the movement's sheets.
    public var instrumentConfig: [String: JSONValue]
    /// Parallel instances of the movement: shorthand for `sheet.fan_out: {N: voices}`.
    public var voices: Int?
    /// Fallback chain for the movement's sheets (replaces the score's).
    public var instrumentFallbacks: [String]
    /// Where the movement's sheets run, over the score's `executor`.
    public var executor: ExecutorConfig? = nil

    public init(
        name: String? = nil, instrument: String? = nil, instrumentConfig: [String: JSONValue] = [:], voices: Int? = nil,
        instrumentFallbacks: [String] = []
    ) {
        self.name = name
        self.instrument = instrument
        self.instrumentConfig = instrumentConfig
        self.voices = voices
        self.instrumentFallbacks = instrumentFallbacks
    }
}

/// The instrument a sheet plays, after Marianne's precedence: `per_sheet_instruments`, then
/// `instrument_map`, then the movement, then the score's `instrument`, then `backend.type`,
/// then `claude-code`; a name of `instruments:` is replaced by its profile.
public struct ResolvedInstrument: Sendable, Equatable, Codable {
    /// The profile name (after alias resolution), e.g. `claude-code`.
    public var name: String
    /// The name as the score wrote it, when it was an alias of `instruments:`.
    public var alias: String?
    /// Score config, then the movement's, then the alias's, then the sheet's (later wins).
    public var config: [String: JSONValue]
    /// Instruments to try next: per-sheet, else the movement's, else the score's.
    public var fallbacks: [String]

    public init(name: String, alias: String? = nil, config: [String: JSONValue] = [:], fallbacks: [String] = []) {
        self.name = name
        self.alias = alias
        self.config = config
        self.fallbacks = fallbacks
    }
}

/// Instrument names this project and Marianne know.
public enum InstrumentNames {
    /// The builtin profiles, their aliases, and Marianne's native backends (which do not run here).
    public static let known: Set<String> = Set(BuiltinInstruments.sources.map(\.0))
        .union(BuiltinInstruments.aliases.keys).union(InstrumentCatalog.nativeOnly)

    /// The legacy backend type a name stands for (`backend.type`): `cli`, `command`, `shell` run
    /// the template with bash; `claude-code`, `claude_cli`, `claude` call Claude Code.
    public static func backendType(for name: String) -> BackendType? {
        switch name {
        case "cli", "command", "shell": return .command
        case "claude-code", "claude_cli", "claude": return .claudeCLI
        default: return nil
        }
    }
}
