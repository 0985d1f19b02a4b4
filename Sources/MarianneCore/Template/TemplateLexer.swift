import Foundation

/// Splits template source into tokens the way Jinja2's lexer does: `{{ }}`, `{% %}`,
/// `{# #}`, whitespace control with `-` and `+`, `{% raw %}`, Python literals.
struct TemplateLexer {
    private(set) var scalars: [Unicode.Scalar]
    private var position = 0
    private(set) var tokens: [TemplateToken] = []
    private var stripNextData = false

    /// Jinja2 turns `\r\n` and `\r` into `\n`, and without `keep_trailing_newline` drops
    /// one final line break.
    init(source: String, keepTrailingNewline: Bool) {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(source.unicodeScalars.count + 1)
        var pendingCR = false
        for scalar in source.unicodeScalars {
            if pendingCR {
                pendingCR = false
                if scalar == "\n" { continue }
            }
            if scalar == "\r" {
                result.append("\n")
                pendingCR = true
            } else {
                result.append(scalar)
            }
        }
        if !keepTrailingNewline, result.last == "\n" { result.removeLast() }
        scalars = result
    }

    private func error(_ message: String, at offset: Int) -> TemplateError {
        let place = TemplateSourceMap(scalars).position(offset)
        return TemplateError(kind: .syntax, message: message, line: place.line, column: place.column)
    }

    private func at(_ index: Int) -> Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private func matches(_ text: String, at index: Int) -> Bool {
        var i = index
        for scalar in text.unicodeScalars {
            guard at(i) == scalar else { return false }
            i += 1
        }
        return true
    }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0: return true
        default: return scalar.value > 0xFF && scalar.properties.isWhitespace
        }
    }

    private func skipSpaces(from index: Int) -> Int {
        var i = index
        while let scalar = at(i), Self.isSpace(scalar) { i += 1 }
        return i
    }

    mutating func tokenize() throws -> [TemplateToken] {
        while position < scalars.count {
            try lexData()
        }
        tokens.append(TemplateToken(kind: .eof, text: "", offset: scalars.count))
        return tokens
    }

    mutating func appendToken(_ token: TemplateToken) { tokens.append(token) }

    private mutating func emitData(_ start: Int, _ end: Int, stripRight: Bool) {
        var from = start
        var to = end
        if stripNextData { from = min(skipSpaces(from: from), to) }
        stripNextData = false
        if stripRight { while to > from, Self.isSpace(scalars[to - 1]) { to -= 1 } }
        guard to > from else { return }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[from..<to])
        tokens.append(TemplateToken(kind: .data, text: String(text), offset: from))
    }

    /// Text up to the next tag, then the tag.
    private mutating func lexData() throws {
        var i = position
        while i + 1 < scalars.count {
            if scalars[i] == "{", scalars[i + 1] == "{" || scalars[i + 1] == "%" || scalars[i + 1] == "#" { break }
            i += 1
        }
        guard i + 1 < scalars.count else {
            emitData(position, scalars.count, stripRight: false)
            position = scalars.count
            return
        }
        let kind = scalars[i + 1]
        let marker = at(i + 2)
        let stripRight = marker == "-"
        var after = i + 2 + (marker == "-" || marker == "+" ? 1 : 0)
        if kind == "%", let rawEnd = rawBlockStart(after) {
            emitData(position, i, stripRight: stripRight)
            try lexRaw(from: rawEnd.bodyStart, strippedStart: rawEnd.strip, opened: i)
            return
        }
        emitData(position, i, stripRight: stripRight)
        switch kind {
        case "#":
            var j = after
            while j + 1 < scalars.count, !(scalars[j] == "#" && scalars[j + 1] == "}") { j += 1 }
            guard j + 1 < scalars.count else { throw error("missing end of comment tag", at: i) }
            stripNextData = j > after && scalars[j - 1] == "-"
            position = j + 2
        case "{":
            tokens.append(TemplateToken(kind: .variableBegin, text: "{{", offset: i))
            after = try lexInside(from: after, block: false, opened: i)
            position = after
        default:
            tokens.append(TemplateToken(kind: .blockBegin, text: "{%", offset: i))
            after = try lexInside(from: after, block: true, opened: i)
            position = after
        }
    }

    /// After `{%`, `{%-` or `{%+`: whether this is `raw %}`; returns where the body starts.
    private func rawBlockStart(_ index: Int) -> (bodyStart: Int, strip: Bool)? {
        var i = skipSpaces(from: index)
        guard matches("raw", at: i) else { return nil }
        i = skipSpaces(from: i + 3)
        if matches("-%}", at: i) { return (i + 3, true) }
        if matches("%}", at: i) { return (i + 2, false) }
        return nil
    }

    private mutating func lexRaw(from start: Int, strippedStart: Bool, opened: Int) throws {
        var i = start
        while i + 1 < scalars.count {
            if scalars[i] == "{", scalars[i + 1] == "%" {
                var j = i + 2
                let marker = at(j)
                if marker == "-" || marker == "+" { j += 1 }
                j = skipSpaces(from: j)
                if matches("endraw", at: j) {
                    j = skipSpaces(from: j + 6)
                    let close: (Int, Bool)? = matches("-%}", at: j) ? (j + 3, true) : matches("+%}", at: j) ? (j + 3, false)
                        : matches("%}", at: j) ? (j + 2, false) : nil
                    if let close {
                        stripNextData = strippedStart
                        emitData(start, i, stripRight: marker == "-")
                        stripNextData = close.1
                        position = close.0
                        return
                    }
                }
            }
            i += 1
        }
        throw error("missing end of raw directive", at: opened)
    }

    /// Tokens inside `{{ }}` or `{% %}`; returns the offset after the closing delimiter.
    private mutating func lexInside(from start: Int, block: Bool, opened: Int) throws -> Int {
        var i = start
        var balance: [Unicode.Scalar] = []
        while true {
            guard i < scalars.count else {
                throw error("unexpected end of template, expected 'end of \(block ? "statement block" : "print statement")'", at: opened)
            }
            if balance.isEmpty {
                if block {
                    if matches("-%}", at: i) || matches("+%}", at: i) || matches("%}", at: i) {
                        let strip = scalars[i] == "-"
                        let length = scalars[i] == "%" ? 2 : 3
                        tokens.append(TemplateToken(kind: .blockEnd, text: "%}", offset: i))
                        stripNextData = strip
                        return i + length
                    }
                } else if matches("-}}", at: i) || matches("}}", at: i) {
                    let strip = scalars[i] == "-"
                    tokens.append(TemplateToken(kind: .variableEnd, text: "}}", offset: i))
                    stripNextData = strip
                    return i + (strip ? 3 : 2)
                }
            }
            let scalar = scalars[i]
            if Self.isSpace(scalar) {
                i += 1
            } else if let number = try lexNumber(at: i) {
                tokens.append(number.0)
                i = number.1
            } else if scalar == "_" || scalar.properties.isAlphabetic {
                var j = i + 1
                while let next = at(j), next == "_" || next.properties.isAlphabetic || ("0"..."9").contains(next) { j += 1 }
                tokens.append(TemplateToken(kind: .name, text: text(i, j), offset: i))
                i = j
            } else if scalar == "'" || scalar == "\"" {
                i = try lexString(at: i, quote: scalar)
            } else {
                i = try lexOperator(at: i, balance: &balance)
            }
        }
    }

    private func text(_ from: Int, _ to: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[from..<to])
        return String(view)
    }

    private static let twoCharOperators: Set<String> = ["//", "**", "==", "!=", ">=", "<="]
    private static let oneCharOperators: Set<Unicode.Scalar> = ["+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";"]

    private mutating func lexOperator(at i: Int, balance: inout [Unicode.Scalar]) throws -> Int {
        if i + 1 < scalars.count, Self.twoCharOperators.contains(text(i, i + 2)) {
            tokens.append(TemplateToken(kind: .op, text: text(i, i + 2), offset: i))
            return i + 2
        }
        let scalar = scalars[i]
        guard Self.oneCharOperators.contains(scalar) else { throw error("unexpected char '\(Character(scalar))'", at: i) }
        switch scalar {
        case "(": balance.append(")")
        case "[": balance.append("]")
        case "{": balance.append("}")
        case ")", "]", "}":
            guard let expected = balance.popLast() else { throw error("unexpected '\(Character(scalar))'", at: i) }
            guard expected == scalar else { throw error("unexpected '\(Character(scalar))', expected '\(Character(expected))'", at: i) }
        default: break
        }
        tokens.append(TemplateToken(kind: .op, text: String(Character(scalar)), offset: i))
        return i + 1
    }
}
