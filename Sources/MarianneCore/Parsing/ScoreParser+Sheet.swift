import Foundation
import Yams

extension ScoreParser {
    mutating func parseSheet(_ node: Node, into sheet: inout SheetConfig) {
        guard let entries = mapping(node, "sheet", known: ScoreKeys.sheet, section: "sheet") else { return }
        for (key, keyNode, value) in entries {
            let path = "sheet.\(key)"
            marks[path] = keyNode.mark
            switch key {
            case "size": sheet.size = int(value, path, in: 1...ScoreLimits.maxItems) ?? sheet.size
            case "total_items": sheet.totalItems = int(value, path, in: 1...ScoreLimits.maxItems) ?? sheet.totalItems
            case "start_item": sheet.startItem = int(value, path, in: 0...ScoreLimits.maxStartItem) ?? sheet.startItem
            case "dependencies":
                for (number, _, list) in sheetMap(value, path) {
                    if case .sequence(let items) = list {
                        sheet.dependencies[number] = items.compactMap { int($0, "\(path).\(number)", in: 1...Int.max) }
                    } else if Self.isNull(list) {
                        sheet.dependencies[number] = []
                    } else if let single = int(list, "\(path).\(number)", in: 1...Int.max) {
                        sheet.dependencies[number] = [single]
                    }
                }
            case "fan_out":
                for (number, _, count) in sheetMap(value, path) {
                    if let value = int(count, "\(path).\(number)", in: 1...ScoreLimits.maxSheets) { sheet.fanOut[number] = value }
                }
            case "descriptions":
                for (number, _, item) in sheetMap(value, path) {
                    if let text = string(item, "\(path).\(number)") { sheet.descriptions[number] = text }
                }
            case "skip_when":
                for (number, _, item) in sheetMap(value, path) {
                    if let text = string(item, "\(path).\(number)") { sheet.skipWhen[number] = text }
                }
            case "skip_when_command":
                for (number, _, item) in sheetMap(value, path) {
                    if let rule = parseSkipCommand(item, "\(path).\(number)") { sheet.skipWhenCommand[number] = rule }
                }
            case "prelude": sheet.prelude = parseInjections(value, path)
            case "cadenzas":
                for (number, _, items) in sheetMap(value, path) { sheet.cadenzas[number] = parseInjections(items, "\(path).\(number)") }
            case "prompt_extensions":
                for (number, _, items) in sheetMap(value, path) { sheet.promptExtensions[number] = strings(items, "\(path).\(number)") ?? [] }
            case "per_sheet_instruments":
                for (number, _, item) in sheetMap(value, path) {
                    guard let name = string(item, "\(path).\(number)") else { continue }
                    if name.isEmpty { report(ScoreCode.invalidValue, "\(path).\(number) must not be empty", item) }
                    sheet.perSheetInstruments[number] = name
                }
            case "per_sheet_instrument_config":
                for (number, _, item) in sheetMap(value, path) { sheet.perSheetInstrumentConfig[number] = instrumentConfig(item, "\(path).\(number)") }
            case "per_sheet_fallbacks":
                for (number, _, item) in sheetMap(value, path) { sheet.perSheetFallbacks[number] = strings(item, "\(path).\(number)") ?? [] }
            case "instrument_map": sheet.instrumentMap = parseInstrumentMap(value, path)
            case "per_sheet_executors":
                for (number, _, item) in sheetMap(value, path) { sheet.perSheetExecutors[number] = parseExecutor(item, "\(path).\(number)") }
            default: break
            }
        }
    }

    mutating func parseSkipCommand(_ node: Node, _ path: String) -> SkipWhenCommand? {
        guard let entries = mapping(node, path, known: ScoreKeys.skipCommand) else { return nil }
        var rule = SkipWhenCommand(command: "")
        var command: String?
        for (key, _, value) in entries {
            switch key {
            case "command": command = string(value, "\(path).command")
            case "description": rule.description = optionalString(value, "\(path).description")
            case "timeout_seconds": rule.timeoutSeconds = number(value, "\(path).timeout_seconds", in: 0...60, above: true) ?? rule.timeoutSeconds
            default: break
            }
        }
        guard let command else {
            report(ScoreCode.missingKey, "\(path) needs a command", node, hint: "exit 0 skips the sheet")
            return nil
        }
        rule.command = command
        return rule
    }

    mutating func parseInjections(_ node: Node, _ path: String) -> [InjectionItem] {
        guard case .sequence(let items) = node else {
            report(ScoreCode.wrongType, "\(path) must be a list of {file: PATH, as: context|skill|tool}", node)
            return []
        }
        return items.enumerated().compactMap { index, item in parseInjection(item, "\(path)[\(index)]") }
    }

    mutating func parseInjection(_ node: Node, _ path: String) -> InjectionItem? {
        guard let entries = mapping(node, path, known: ScoreKeys.injection) else { return nil }
        var file: String?
        var directory: String?
        var category: InjectionCategory?
        var sawCategory = false
        for (key, _, value) in entries {
            switch key {
            case "file": file = optionalString(value, "\(path).file")
            case "directory": directory = optionalString(value, "\(path).directory")
            case "as":
                sawCategory = true
                guard let text = string(value, "\(path).as") else { continue }
                category = InjectionCategory(rawValue: text)
                if category == nil {
                    report(ScoreCode.invalidValue, "\(path).as \"\(text)\" is not context, skill or tool", value)
                }
            default: break
            }
        }
        if !sawCategory { report(ScoreCode.missingKey, "\(path) needs as: context, skill or tool", node) }
        let source: InjectionItem.Source
        switch (file.flatMap { $0.isEmpty ? nil : $0 }, directory.flatMap { $0.isEmpty ? nil : $0 }) {
        case (let file?, nil): source = .file(file)
        case (nil, let directory?): source = .directory(directory)
        case (.some, .some):
            report(ScoreCode.invalidValue, "\(path) has both file and directory", node, hint: "give one")
            return nil
        case (nil, nil):
            report(ScoreCode.missingKey, "\(path) needs a file or a directory", node)
            return nil
        }
        guard let category else { return nil }
        return InjectionItem(source, as: category)
    }

    /// `instrument_map: {name: [sheets]}`; a sheet may appear under one instrument only.
    mutating func parseInstrumentMap(_ node: Node, _ path: String) -> [String: [Int]] {
        var map: [String: [Int]] = [:]
        var owner: [Int: String] = [:]
        for (name, keyNode, value) in stringMap(node, path) {
            if name.isEmpty { report(ScoreCode.invalidValue, "\(path) names must not be empty", keyNode) }
            guard case .sequence(let items) = value else {
                report(ScoreCode.wrongType, "\(path).\(name) must be a list of sheet numbers", value)
                continue
            }
            var sheets: [Int] = []
            for item in items {
                guard let sheet = int(item, "\(path).\(name)", in: 1...Int.max) else { continue }
                if let other = owner[sheet], other != name {
                    report(ScoreCode.invalidValue, "sheet \(sheet) is in \(path) under both \(other) and \(name)", item, hint: "give each sheet one instrument")
                }
                owner[sheet] = name
                sheets.append(sheet)
            }
            map[name] = sheets
        }
        return map
    }
}
