import Foundation

/// Python's `str.format`: `{}`, `{0}`, `{name}`, `{0.attr}`, `{0[key]}`, `!r`/`!s` and
/// format specs; `{{` and `}}` are literal braces.
enum PythonStringFormat {
    static func format(_ template: String, _ arguments: TemplateCallArguments, _ renderer: TemplateRenderer) throws -> String {
        var result = ""
        var automatic = 0
        var characters = Array(template)[...]
        while let character = characters.popFirst() {
            if character == "}" {
                guard characters.popFirst() == "}" else { throw TemplateFailure.type("Single '}' encountered in format string") }
                result.append("}")
                continue
            }
            guard character == "{" else {
                result.append(character)
                continue
            }
            if characters.first == "{" {
                characters.removeFirst()
                result.append("{")
                continue
            }
            var field = ""
            var nesting = 0
            while true {
                guard let next = characters.popFirst() else { throw TemplateFailure.type("expected '}' before end of string") }
                if next == "{" { nesting += 1 }
                if next == "}" {
                    if nesting == 0 { break }
                    nesting -= 1
                }
                field.append(next)
            }
            var spec = ""
            if let colon = field.firstIndex(of: ":") {
                spec = String(field[field.index(after: colon)...])
                field = String(field[..<colon])
            }
            var conversion: Character?
            if let bang = field.firstIndex(of: "!") {
                conversion = field[field.index(after: bang)...].first
                field = String(field[..<bang])
            }
            let nameEnd = field.firstIndex { $0 == "." || $0 == "[" } ?? field.endIndex
            let head = String(field[..<nameEnd])
            var value: TemplateValue
            if head.isEmpty {
                guard automatic < arguments.positional.count else { throw TemplateFailure.type("Replacement index \(automatic) out of range for positional args tuple") }
                value = arguments.positional[automatic]
                automatic += 1
            } else if let index = Int(head) {
                guard index < arguments.positional.count else { throw TemplateFailure.type("Replacement index \(index) out of range for positional args tuple") }
                value = arguments.positional[index]
            } else {
                guard let named = arguments.keyword(head) else { throw TemplateFailure.type("KeyError: '\(head)'") }
                value = named
            }
            var rest = field[nameEnd...]
            while let first = rest.first {
                rest = rest.dropFirst()
                if first == "." {
                    let end = rest.firstIndex { $0 == "." || $0 == "[" } ?? rest.endIndex
                    let name = String(rest[..<end])
                    if case .object(let object) = value, let found = try object.attribute(name, renderer) {
                        value = found
                    } else if let found = TemplateMethods.attribute(value, name) {
                        value = found
                    } else {
                        throw TemplateFailure.type("'\(value.pythonTypeName)' object has no attribute '\(name)'")
                    }
                    rest = rest[end...]
                } else {
                    guard let close = rest.firstIndex(of: "]") else { throw TemplateFailure.type("Missing ']' in format string") }
                    let key = String(rest[..<close])
                    value = try renderer.item(value, Int(key).map { .int($0) } ?? .string(key))
                    rest = rest[rest.index(after: close)...]
                }
                if case .undefined(let undefined) = value { throw TemplateFailure.undefined(undefined) }
            }
            switch conversion {
            case "r", "a": value = .string(value.pythonRepr)
            case "s": value = .string(try renderer.printed(value))
            default: break
            }
            if spec.isEmpty {
                result += try renderer.printed(value)
            } else {
                if case .undefined(let undefined) = value { throw TemplateFailure.undefined(undefined) }
                result += try FormatSpec(parsing: spec).apply(value)
            }
            try renderer.checkSize(result.utf8.count)
        }
        return result
    }
}
