import Foundation
import Yams

extension ScoreParser {
    /// `instruments: {alias: {profile: claude-code, config: {...}}}`.
    mutating func parseInstruments(_ node: Node) -> [String: InstrumentDefinition] {
        if Self.isNull(node) { return [:] }
        var instruments: [String: InstrumentDefinition] = [:]
        for (name, keyNode, value) in stringMap(node, "instruments") {
            let path = "instruments.\(name)"
            if name.isEmpty { report(ScoreCode.invalidValue, "instruments names must not be empty", keyNode) }
            guard let entries = mapping(value, path, known: ScoreKeys.instrument) else { continue }
            var definition = InstrumentDefinition(profile: "")
            for (key, _, item) in entries {
                switch key {
                case "profile": definition.profile = string(item, "\(path).profile") ?? ""
                case "config": definition.config = instrumentConfig(item, "\(path).config")
                default: break
                }
            }
            if definition.profile.isEmpty {
                report(ScoreCode.missingKey, "\(path) needs a profile", value, hint: "e.g. profile: claude-code")
                continue
            }
            instruments[name] = definition
        }
        return instruments
    }

    /// `movements: {1: {name, instrument, instrument_config, voices, instrument_fallbacks}}`.
    mutating func parseMovements(_ node: Node) -> [Int: Movement] {
        if Self.isNull(node) { return [:] }
        var movements: [Int: Movement] = [:]
        for (number, _, value) in sheetMap(node, "movements") {
            let path = "movements.\(number)"
            if Self.isNull(value) {
                movements[number] = Movement()
                continue
            }
            guard let entries = mapping(value, path, known: ScoreKeys.movement) else { continue }
            var movement = Movement()
            for (key, _, item) in entries {
                let field = "\(path).\(key)"
                if Self.isNull(item) { continue }
                switch key {
                case "name": movement.name = string(item, field)
                case "instrument":
                    movement.instrument = string(item, field)
                    if movement.instrument?.isEmpty == true { report(ScoreCode.invalidValue, "\(field) must not be empty", item) }
                case "instrument_config": movement.instrumentConfig = instrumentConfig(item, field)
                case "voices": movement.voices = int(item, field, in: 1...ScoreLimits.maxSheets)
                case "instrument_fallbacks": movement.instrumentFallbacks = strings(item, field) ?? []
                case "executor": movement.executor = parseExecutor(item, field)
                default: break
                }
            }
            movements[number] = movement
        }
        return movements
    }
}
