/// Which instrument a sheet plays and with which settings, by Marianne's precedence.
public enum InstrumentResolver {
    /// Precedence of the name: `sheet.per_sheet_instruments`, `sheet.instrument_map`, the
    /// movement's `instrument`, the score's `instrument`, then the backend type. Settings:
    /// `instrument_config`, then the movement's (even without its own instrument), then the
    /// alias's `config`, then `per_sheet_instrument_config` (later keys win). Fallbacks:
    /// per-sheet, else the movement's (when not empty), else the score's.
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
            if name == nil { name = score.instrument ?? defaultName(score.backend.type) }
        }
        var resolved = name ?? defaultName(score.backend.type)
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

    /// The instrument name of a backend type when the score names none: `cli` for the
    /// command backend, `claude_cli` for the agent.
    public static func defaultName(_ type: BackendType) -> String {
        switch type {
        case .command: return "cli"
        case .claudeCLI: return "claude_cli"
        }
    }
}
