import Foundation

/// Validation paths and working directories are expanded as Marianne does, with Python's
/// `str.format(**values)`: `{name}`, `{name[key]}`, `{name!r}`, `{name:>4}`, `{{` and `}}` for
/// literal braces. An unknown name, `{}` or a lone brace is an error (Marianne's check then
/// fails); `mzt validate` reports it (V009).
public enum PathTemplate {
    public struct FormatError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// One replacement field.
    struct Field {
        var name: String
        var accessors: [Accessor]
        var conversion: Character?
        var spec: String
    }

    enum Accessor {
        case attribute(String)
        case index(String)
    }

    enum Piece {
        case text(String)
        case field(Field)
    }

    /// The names the template reads (its top-level field names).
    public static func names(in template: String) throws -> [String] {
        try parse(template).compactMap { piece in
            if case .field(let field) = piece { return field.name }
            return nil
        }
    }

    /// `template.format(**values)`.
    public static func format(_ template: String, _ values: [String: TemplateValue]) throws -> String {
        var output = ""
        for piece in try parse(template) {
            switch piece {
            case .text(let text): output += text
            case .field(let field): output += try render(field, values)
            }
        }
        return output
    }

    static func parse(_ template: String) throws -> [Piece] {
        let chars = Array(template)
        var pieces: [Piece] = []
        var text = ""
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "{" {
                if i + 1 < chars.count, chars[i + 1] == "{" {
                    text.append("{")
                    i += 2
                    continue
                }
                var depth = 1
                var j = i + 1
                while j < chars.count {
                    if chars[j] == "{" { depth += 1 }
                    if chars[j] == "}" { depth -= 1; if depth == 0 { break } }
                    j += 1
                }
                guard j < chars.count else { throw FormatError(message: "expected '}' before end of string") }
                if !text.isEmpty { pieces.append(.text(text)); text = "" }
                pieces.append(.field(try field(String(chars[(i + 1)..<j]))))
                i = j + 1
            } else if c == "}" {
                guard i + 1 < chars.count, chars[i + 1] == "}" else { throw FormatError(message: "single '}' encountered in format string") }
                text.append("}")
                i += 2
            } else {
                text.append(c)
                i += 1
            }
        }
        if !text.isEmpty { pieces.append(.text(text)) }
        return pieces
    }

    static func field(_ body: String) throws -> Field {
        var nameEnd = body.endIndex
        var bracket = 0
        for index in body.indices {
            let c = body[index]
            if c == "[" { bracket += 1 }
            if c == "]" { bracket -= 1 }
            if bracket == 0, c == "!" || c == ":" { nameEnd = index; break }
        }
        let fieldName = String(body[..<nameEnd])
        var rest = body[nameEnd...]
        var conversion: Character?
        if rest.first == "!" {
            rest = rest.dropFirst()
            guard let c = rest.first, "rsa".contains(c) else { throw FormatError(message: "unknown conversion specifier in {\(body)}") }
            conversion = c
            rest = rest.dropFirst()
            if let next = rest.first, next != ":" { throw FormatError(message: "expected ':' after conversion specifier in {\(body)}") }
        }
        let spec = rest.first == ":" ? String(rest.dropFirst()) : ""
        var name = ""
        var accessors: [Accessor] = []
        var chars = Substring(fieldName)
        while let c = chars.first, c != ".", c != "[" {
            name.append(c)
            chars = chars.dropFirst()
        }
        while let c = chars.first {
            if c == "." {
                chars = chars.dropFirst()
                let attribute = chars.prefix { $0 != "." && $0 != "[" }
                guard !attribute.isEmpty else { throw FormatError(message: "empty attribute in format string") }
                accessors.append(.attribute(String(attribute)))
                chars = chars.dropFirst(attribute.count)
            } else {
                chars = chars.dropFirst()
                guard let close = chars.firstIndex(of: "]") else { throw FormatError(message: "missing ']' in format string") }
                accessors.append(.index(String(chars[..<close])))
                chars = chars[chars.index(after: close)...]
                if let next = chars.first, next != ".", next != "[" {
                    throw FormatError(message: "only '.' or '[' may follow ']' in format field specifier")
                }
            }
        }
        if name.isEmpty || name.allSatisfy(\.isNumber) {
            throw FormatError(message: "{\(body)} is a positional field; use a name like {workspace}")
        }
        return Field(name: name, accessors: accessors, conversion: conversion, spec: spec)
    }

    static func render(_ field: Field, _ values: [String: TemplateValue]) throws -> String {
        guard var value = values[field.name] else { throw FormatError(message: "unknown placeholder {\(field.name)}") }
        for accessor in field.accessors {
            switch (accessor, value) {
            case (.index(let key), .list(let items)):
                guard let index = Int(key) else { throw FormatError(message: "list indices must be integers, not '\(key)'") }
                guard index >= 0, index < items.count else { throw FormatError(message: "list index \(index) out of range in {\(field.name)}") }
                value = items[index]
            case (.index(let key), .map(let map)):
                guard let item = map[key] else { throw FormatError(message: "no key '\(key)' in {\(field.name)}") }
                value = item
            case (.index, _):
                throw FormatError(message: "{\(field.name)} cannot be indexed")
            case (.attribute(let name), _):
                throw FormatError(message: "{\(field.name)} has no attribute '\(name)'")
            }
        }
        let text: String
        switch field.conversion {
        case "r"?, "a"?: text = PythonText.repr(value)
        default:
            if !field.spec.isEmpty { return try applySpec(field.spec, value) }
            text = PythonText.str(value)
        }
        return field.spec.isEmpty ? text : try applySpec(field.spec, .string(text))
    }

    /// The common part of Python's format spec: `[[fill]align][0][width][.precision][type]`.
    static func applySpec(_ spec: String, _ value: TemplateValue) throws -> String {
        var chars = Array(spec)
        var fill: Character = " "
        var align: Character?
        if chars.count >= 2, "<>^=".contains(chars[1]) {
            fill = chars[0]; align = chars[1]; chars.removeFirst(2)
        } else if let first = chars.first, "<>^=".contains(first) {
            align = first; chars.removeFirst()
        }
        if chars.first == "0" { fill = "0"; align = align ?? "="; chars.removeFirst() }
        var widthText = ""
        while let c = chars.first, c.isNumber { widthText.append(c); chars.removeFirst() }
        var precision: Int?
        if chars.first == "." {
            chars.removeFirst()
            var digits = ""
            while let c = chars.first, c.isNumber { digits.append(c); chars.removeFirst() }
            precision = Int(digits)
        }
        let type = chars.first
        guard chars.count <= 1, widthText.count <= 4, (precision ?? 0) <= 100 else { throw FormatError(message: "format spec '\(spec)' is not supported") }
        var body: String
        switch (type, value) {
        case (nil, .string(let text)), ("s"?, .string(let text)):
            body = precision.map { String(text.prefix($0)) } ?? text
        case (nil, .int(let number)), ("d"?, .int(let number)): body = String(number)
        case ("f"?, .int(let number)): body = String(format: "%.\(precision ?? 6)f", Double(number))
        case ("f"?, .double(let number)): body = String(format: "%.\(precision ?? 6)f", number)
        case (nil, _): body = PythonText.str(value)
        default: throw FormatError(message: "format spec '\(spec)' is not supported for this value")
        }
        let width = Int(widthText) ?? 0
        let padding = max(0, width - body.count)
        guard padding > 0 else { return body }
        let pad = String(repeating: fill, count: padding)
        let numeric: Bool
        switch value { case .int, .double: numeric = true; default: numeric = false }
        switch align ?? (numeric ? ">" : "<") {
        case "<": body += pad
        case "^": body = String(repeating: fill, count: padding / 2) + body + String(repeating: fill, count: padding - padding / 2)
        case "=" where body.hasPrefix("-"): body = "-" + pad + body.dropFirst()
        default: body = pad + body
        }
        return body
    }
}
