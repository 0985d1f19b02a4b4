import Foundation
import Yams

extension ScoreParser {
    mutating func parsePrompt(_ node: Node, into prompt: inout PromptConfig) {
        guard let entries = mapping(node, "prompt", known: ScoreKeys.prompt) else { return }
        var sawTemplate = false
        for (key, keyNode, value) in entries {
            switch key {
            case "template":
                if Self.isNull(value) { continue }
                sawTemplate = true
                prompt.template = string(value, "prompt.template") ?? ""
                if case .scalar(let scalar) = value, let mark = value.mark {
                    let block = scalar.style == .literal || scalar.style == .folded
                    templateLine = block ? mark.line + 1 : mark.line
                }
                marks["prompt.template"] = value.mark
            case "template_file":
                if Self.isNull(value) { continue }
                guard let file = string(value, "prompt.template_file") else { continue }
                prompt.templateFile = file
                let path = file.hasPrefix("/") ? file : (baseDirectory as NSString).appendingPathComponent(file)
                if let data = FileManager.default.contents(atPath: path), data.count <= ScoreLoader.maxBytes,
                   let text = String(data: data, encoding: .utf8) {
                    prompt.template = text
                    templateLine = 1
                    marks["prompt.template"] = value.mark
                } else {
                    report(ScoreCode.unreadableFile, "prompt.template_file \(path) cannot be read", value, hint: "the path is relative to the score file")
                }
                if sawTemplate { report(ScoreCode.invalidValue, "prompt has both template and template_file", keyNode, hint: "keep one") }
                sawTemplate = true
            case "variables":
                if Self.isNull(value) { continue }
                for (name, nameNode, item) in stringMap(value, "prompt.variables") {
                    if ScoreKeys.builtins.contains(name) {
                        warn(ScoreCode.shadowedVariable, "prompt.variables.\(name) hides the built-in variable \(name) in the prompt", nameNode,
                             hint: "rename it; validation placeholders still see the built-in value")
                    }
                    prompt.variables[name] = templateValue(item)
                }
            case "stakes": prompt.stakes = optionalString(value, "prompt.stakes")
            case "thinking_method": prompt.thinkingMethod = optionalString(value, "prompt.thinking_method")
            case "prompt_extensions": prompt.promptExtensions = strings(value, "prompt.prompt_extensions") ?? []
            default: break
            }
        }
        if !sawTemplate {
            report(ScoreCode.missingKey, "prompt needs a template or a template_file", node)
        }
    }
}
