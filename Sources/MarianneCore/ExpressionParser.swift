import Foundation

/// Parses one expression: literals, names, `.member`, `[index]`, filters, comparisons,
/// `not`, `and`, `or`, `in`, `+`, `-`, parentheses.
struct ExpressionParser {
    enum Token: Equatable {
        case name(String), string(String), number(Double, isInt: Bool), symbol(String), end
    }

    private var tokens: [(Token, Int)] = []
    private var index = 0
    private let line: Int
    private let column: Int
    private var lexError: TemplateError?

    init(text: String, line: Int, column: Int) {
        self.line = line
        self.column = column
        tokenize(Array(text))
    }

    private mutating func tokenize(_ chars: [Character]) {
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace {
                i += 1
            } else if c.isLetter || c == "_" {
                let start = i
                while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" { i += 1 }
                tokens.append((.name(String(chars[start..<i])), start))
            } else if c.isNumber {
                let start = i
                while i < chars.count, chars[i].isNumber || chars[i] == "." { i += 1 }
                let text = String(chars[start..<i])
                tokens.append((.number(Double(text) ?? 0, isInt: !text.contains(".")), start))
            } else if c == "\"" || c == "'" {
                let start = i
                i += 1
                var value = ""
                while i < chars.count, chars[i] != c {
                    if chars[i] == "\\", i + 1 < chars.count {
                        i += 1
                        value.append(chars[i] == "n" ? "\n" : chars[i] == "t" ? "\t" : chars[i])
                    } else {
                        value.append(chars[i])
                    }
                    i += 1
                }
                if i >= chars.count {
                    lexError = TemplateError(kind: .syntax, message: "unterminated string", line: line, column: column + start)
                    return
                }
                i += 1
                tokens.append((.string(value), start))
            } else {
                let two = i + 1 < chars.count ? String(chars[i...i + 1]) : ""
                if ["==", "!=", "<=", ">="].contains(two) {
                    tokens.append((.symbol(two), i))
                    i += 2
                } else if "|.()[],<>+-".contains(c) {
                    tokens.append((.symbol(String(c)), i))
                    i += 1
                } else {
                    lexError = TemplateError(kind: .syntax, message: "unexpected character '\(c)'", line: line, column: column + i)
                    return
                }
            }
        }
    }

    private var current: Token { index < tokens.count ? tokens[index].0 : .end }
    private var here: (Int, Int) { (line, column + (index < tokens.count ? tokens[index].1 : 0)) }

    private func fail(_ message: String) -> TemplateError {
        TemplateError(kind: .syntax, message: message, line: here.0, column: here.1)
    }

    mutating func parseComplete() throws -> Expr {
        if let lexError { throw lexError }
        guard !tokens.isEmpty else { throw fail("empty expression") }
        let at = here
        let expr = try parseOr()
        guard current == .end else { throw fail("unexpected \(describe(current)) in expression") }
        return .located(expr, line: at.0, column: at.1)
    }

    private func describe(_ token: Token) -> String {
        switch token {
        case .name(let name): return "'\(name)'"
        case .string: return "string"
        case .number: return "number"
        case .symbol(let symbol): return "'\(symbol)'"
        case .end: return "end"
        }
    }

    private mutating func parseOr() throws -> Expr {
        var left = try parseAnd()
        while current == .name("or") {
            index += 1
            left = .binary("or", left, try parseAnd())
        }
        return left
    }

    private mutating func parseAnd() throws -> Expr {
        var left = try parseNot()
        while current == .name("and") {
            index += 1
            left = .binary("and", left, try parseNot())
        }
        return left
    }

    private mutating func parseNot() throws -> Expr {
        if current == .name("not") {
            index += 1
            return .not(try parseNot())
        }
        return try parseComparison()
    }

    private mutating func parseComparison() throws -> Expr {
        let left = try parseSum()
        if case .symbol(let op) = current, ["==", "!=", "<", ">", "<=", ">="].contains(op) {
            index += 1
            return .binary(op, left, try parseSum())
        }
        if current == .name("in") {
            index += 1
            return .binary("in", left, try parseSum())
        }
        if current == .name("not"), index + 1 < tokens.count, tokens[index + 1].0 == .name("in") {
            index += 2
            return .not(.binary("in", left, try parseSum()))
        }
        return left
    }

    private mutating func parseSum() throws -> Expr {
        var left = try parseFiltered()
        while case .symbol(let op) = current, op == "+" || op == "-" {
            index += 1
            left = .binary(op, left, try parseFiltered())
        }
        return left
    }

    private mutating func parseFiltered() throws -> Expr {
        var expr = try parsePostfix()
        while current == .symbol("|") {
            index += 1
            guard case .name(let name) = current else { throw fail("expected a filter name after '|'") }
            guard Expr.filters.contains(name) else {
                throw fail("unknown filter '\(name)' (known: \(Expr.filters.sorted().joined(separator: ", ")))")
            }
            index += 1
            var arguments: [Expr] = []
            if current == .symbol("(") {
                index += 1
                while current != .symbol(")") {
                    arguments.append(try parseOr())
                    if current == .symbol(",") { index += 1 } else if current != .symbol(")") { throw fail("expected ',' or ')'") }
                }
                index += 1
            }
            expr = .filter(expr, name, arguments)
        }
        return expr
    }

    private mutating func parsePostfix() throws -> Expr {
        var expr = try parsePrimary()
        while true {
            if current == .symbol(".") {
                index += 1
                guard case .name(let name) = current else { throw fail("expected a name after '.'") }
                index += 1
                expr = .member(expr, name)
            } else if current == .symbol("[") {
                index += 1
                let key = try parseOr()
                guard current == .symbol("]") else { throw fail("expected ']'") }
                index += 1
                expr = .index(expr, key)
            } else {
                return expr
            }
        }
    }

    private mutating func parsePrimary() throws -> Expr {
        let token = current
        switch token {
        case .name(let name):
            index += 1
            switch name {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None", "null": return .literal(.null)
            default: return .variable(name)
            }
        case .string(let value):
            index += 1
            return .literal(.string(value))
        case .number(let value, let isInt):
            index += 1
            return .literal(isInt ? .int(Int(value)) : .double(value))
        case .symbol("("):
            index += 1
            let inner = try parseOr()
            guard current == .symbol(")") else { throw fail("expected ')'") }
            index += 1
            return inner
        case .symbol("-"):
            index += 1
            return .binary("-", .literal(.int(0)), try parsePrimary())
        case .symbol("["):
            index += 1
            var items: [Expr] = []
            while current != .symbol("]") {
                items.append(try parseOr())
                if current == .symbol(",") { index += 1 } else if current != .symbol("]") { throw fail("expected ',' or ']'") }
            }
            index += 1
            return .literal(.list(try items.map { try $0.evaluate([:]) }))
        default:
            throw fail(token == .end ? "expression ends too early" : "unexpected \(describe(token))")
        }
    }
}
