import Foundation

/// Parses template text into nodes, with line and column in every error.
struct TemplateParser {
    private let chars: [Character]
    private var position = 0
    private var line = 1
    private var column = 1

    init(source: String) {
        chars = Array(source)
    }

    private enum Tag {
        case `if`(Expr), elif(Expr), `else`, endif
        case `for`(String, Expr), endfor
    }

    mutating func parseAll() throws -> [Template.Node] {
        let (nodes, end) = try parseBlock()
        if let end { throw error("unexpected {% \(end.name) %} without an opening tag", at: end.at) }
        return nodes
    }

    private struct Closing {
        var tag: Tag
        var at: (Int, Int)
        var name: String {
            switch tag {
            case .elif: return "elif"
            case .else: return "else"
            case .endif: return "endif"
            case .endfor: return "endfor"
            case .if: return "if"
            case .for: return "for"
            }
        }
    }

    /// Nodes up to the end of the input or a closing tag (`elif`, `else`, `endif`, `endfor`).
    private mutating func parseBlock() throws -> ([Template.Node], Closing?) {
        var nodes: [Template.Node] = []
        var text = ""
        while position < chars.count {
            if chars[position] == "{", position + 1 < chars.count, "{%#".contains(chars[position + 1]) {
                let kind = chars[position + 1]
                let start = (line, column)
                // A block tag alone on its line leaves no blank line behind (Jinja's
                // trim_blocks and lstrip_blocks).
                if kind != "{" {
                    let lineStart = (chars[..<position].lastIndex(of: "\n") ?? -1) + 1
                    let indent = position - lineStart
                    if chars[lineStart..<position].allSatisfy({ $0 == " " || $0 == "\t" }), text.count >= indent {
                        text.removeLast(indent)
                    }
                }
                if !text.isEmpty {
                    nodes.append(.text(text))
                    text = ""
                }
                advance(2)
                let close: String = kind == "{" ? "}}" : kind == "%" ? "%}" : "#}"
                let inner = try readUntil(close, opened: start)
                if kind != "{", position < chars.count, chars[position] == "\n" { advance(1) }
                if kind == "#" { continue }
                if kind == "{" {
                    var expression = ExpressionParser(text: inner, line: start.0, column: start.1 + 2)
                    nodes.append(.output(try expression.parseComplete()))
                    continue
                }
                let tag = try parseTag(inner, at: start)
                switch tag {
                case .if(let condition):
                    nodes.append(try parseConditional(first: condition, opened: start))
                case .for(let name, let sequence):
                    let (body, end) = try parseBlock()
                    guard let end, case .endfor = end.tag else {
                        throw error("{% for %} is never closed with {% endfor %}", at: start)
                    }
                    nodes.append(.loop(name, sequence, body))
                default:
                    return (nodes, Closing(tag: tag, at: start))
                }
            } else {
                text.append(chars[position])
                advance(1)
            }
        }
        if !text.isEmpty { nodes.append(.text(text)) }
        return (nodes, nil)
    }

    private mutating func parseConditional(first: Expr, opened: (Int, Int)) throws -> Template.Node {
        var branches: [(Expr, [Template.Node])] = []
        var condition = first
        while true {
            let (body, end) = try parseBlock()
            guard let end else { throw error("{% if %} is never closed with {% endif %}", at: opened) }
            branches.append((condition, body))
            switch end.tag {
            case .elif(let next):
                condition = next
            case .else:
                let (otherwise, last) = try parseBlock()
                guard let last, case .endif = last.tag else {
                    throw error("{% else %} is never closed with {% endif %}", at: end.at)
                }
                return .conditional(branches, otherwise)
            case .endif:
                return .conditional(branches, nil)
            default:
                throw error("unexpected {% \(end.name) %} inside {% if %}", at: end.at)
            }
        }
    }

    private func parseTag(_ inner: String, at: (Int, Int)) throws -> Tag {
        let trimmed = inner.trimmingCharacters(in: .whitespacesAndNewlines)
        let word = trimmed.prefix { $0.isLetter }
        let rest = String(trimmed.dropFirst(word.count))
        let offset = at.1 + 3 + word.count
        switch word {
        case "if", "elif":
            var parser = ExpressionParser(text: rest, line: at.0, column: offset)
            let condition = try parser.parseComplete()
            return word == "if" ? .if(condition) : .elif(condition)
        case "else", "endif", "endfor":
            guard rest.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw error("{% \(word) %} takes nothing after it", at: at)
            }
            return word == "else" ? .else : word == "endif" ? .endif : .endfor
        case "for":
            let parts = rest.trimmingCharacters(in: .whitespaces)
            guard let range = parts.range(of: " in ") else { throw error("expected {% for NAME in EXPRESSION %}", at: at) }
            let name = parts[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !(name.first?.isNumber ?? true) else {
                throw error("invalid loop variable '\(name)'", at: at)
            }
            var parser = ExpressionParser(text: String(parts[range.upperBound...]), line: at.0, column: offset)
            return .for(name, try parser.parseComplete())
        default:
            throw error("unknown tag '\(word.isEmpty ? trimmed : String(word))' (known: if, elif, else, endif, for, endfor)", at: at)
        }
    }

    private mutating func readUntil(_ close: String, opened: (Int, Int)) throws -> String {
        let closing = Array(close)
        var inner = ""
        while position < chars.count {
            if chars[position] == closing[0], position + 1 < chars.count, chars[position + 1] == closing[1] {
                advance(2)
                return inner
            }
            inner.append(chars[position])
            advance(1)
        }
        let opener = close == "}}" ? "{{" : close == "%}" ? "{%" : "{#"
        throw error("\(opener) is never closed with \(close)", at: opened)
    }

    private mutating func advance(_ count: Int) {
        for _ in 0..<count where position < chars.count {
            if chars[position] == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            position += 1
        }
    }

    private func error(_ message: String, at: (Int, Int)) -> TemplateError {
        TemplateError(kind: .syntax, message: message, line: at.0, column: at.1)
    }
}
