/// Which instrument a sheet plays and with which settings, by Marianne's precedence.
public enum InstrumentResolver {
    /// Precedence of the name: `sheet.per_sheet_instruments`, `sheet.instrument_map`, the
    /// movement's `instrument`, the score's `instrument`, then `backend.type` when the score
    /// writes one, then Marianne's default, `claude-code`. Settings: `instrument_config`, then
    /// the movement's (even without its own instrument), then the alias's `config`, then
    /// `per_sheet_instrument_config` (later keys win). Fallbacks: per-sheet, else the
    /// movement's (when not empty), else the score's.
    public static func resolve(_ score: Score, sheet: PlannedSheet) -> ResolvedInstrument {
        let number = sheet.number
        var config = score.instrumentConfig
        var name: String?
        if let perSheet = score.sheet.perSheetInstruments[number] {
            name = perSheet
        } else if let mapped = score.sheet.instrumentMap.sorted(by: { $0.key < $1.key }).first(where: { $0.value.contains(number) })?.key {
            name = mapped
        } else {
            if let movement = score.movements[sheet.stage] {
                name = movement.instrument
                config.merge(movement.instrumentConfig) { $1 }
            }
            if name == nil { name = score.instrument }
        }
        var resolved = name ?? defaultName(score.backend)
        var alias: String?
        if let definition = score.instruments[resolved] {
            alias = resolved
            resolved = definition.profile
            config.merge(definition.config) { $1 }
        }
        if let perSheet = score.sheet.perSheetInstrumentConfig[number] {
            config.merge(perSheet) { $1 }
        }
        let fallbacks: [String]
        if let perSheet = score.sheet.perSheetFallbacks[number] {
            fallbacks = perSheet
        } else if let movement = score.movements[sheet.stage], !movement.instrumentFallbacks.isEmpty {
            fallbacks = movement.instrumentFallbacks
        } else {
            fallbacks = score.instrumentFallbacks
        }
        return ResolvedInstrument(name: resolved, alias: alias, config: config, fallbacks: fallbacks)
    }

    /// The instrument of a sheet the score gives none: `cli` for `backend.type: command`,
    /// `claude-code` for `claude_cli` and when no type is written (Marianne's default).
    public static func defaultName(_ backend: BackendConfig) -> String {
        guard backend.typeDeclared else { return BuiltinInstruments.defaultName }
        switch backend.type {
        case .command: return "cli"
        case .claudeCLI: return "claude-code"
        }
    }

    /// The profile name `name` plays (a builtin alias such as `claude_cli` becomes `claude-code`).
    public static func canonical(_ name: String) -> String {
        BuiltinInstruments.aliases[name] ?? name
    }

    /// The settings of `instrument` (one of `resolve`'s, or a fallback) on `sheet`: the
    /// legacy `backend:` settings (`cli_args`, `executable`, Marianne's `claude_cli` keys)
    /// apply to the backend's own instrument; `working_directory` to every sheet; the
    /// resolved configuration wins over both.
    public static func settings(_ score: Score, instrument: ResolvedInstrument) -> InstrumentSettings {
        var config: [String: JSONValue] = [:]
        let backend = score.backend
        if backend.typeDeclared, canonical(instrument.name) == defaultName(backend) {
            config.merge(backend.instrumentSettings) { $1 }
            if !backend.cliArgs.isEmpty { config["cli_args"] = .array(backend.cliArgs.map(JSONValue.string)) }
            if let executable = backend.executable { config["executable"] = .string(executable) }
        }
        if let directory = backend.workingDirectory { config["working_directory"] = .string(directory) }
        config.merge(instrument.config) { $1 }
        return InstrumentSettings(config: config)
    }

    /// Seconds an attempt of `sheet` may run: its `timeout_overrides`/`sheet_overrides` entry,
    /// else the instrument's `timeout_seconds` setting, else `backend.timeout_seconds` when
    /// written (or for a score that picks its instrument with `backend.type`), else the
    /// profile's `default_timeout_seconds`.
    public static func timeout(_ score: Score, sheet: Int, settings: InstrumentSettings, profile: InstrumentProfile?) -> Double {
        if let override = score.backend.timeoutOverrides[sheet] { return override }
        if let seconds = settings.timeoutSeconds { return seconds }
        if score.backend.timeoutDeclared || score.backend.typeDeclared || profile == nil {
            return score.backend.timeoutSeconds ?? profile?.defaultTimeoutSeconds ?? BackendConfig.defaultTimeoutSeconds
        }
        return profile?.defaultTimeoutSeconds ?? BackendConfig.defaultTimeoutSeconds
    }
}
