import Foundation

/// `sheet.skip_when` expressions: the subset of Python that Marianne's expressions use, over
/// `sheets` (sheet number -> state: `status`, `validation_passed`, `attempt_count`,
/// `exit_code`, `error_message`, `stdout_tail`, ...) and `job` (`job_id`, `status`,
/// `total_sheets`, `last_completed_sheet`). Literals, names, attribute and item access,
/// calls of `len any all bool int str` and of `.get .keys .values .items .startswith
/// .endswith .lower .upper .strip`, `not and or` (returning operands, like Python),
/// comparisons (chained, `in`, `not in`, `is`, `is not`), `+ - * / // %`, `x if c else y`,
/// lists. Parsed once; evaluation is bounded.
public struct SkipExpression: Sendable {
    indirect enum Node: Sendable {
        case literal(PyValue)
        case name(String)
        case attribute(Node, String)
        case index(Node, Node)
        case call(Node, [Node])
        case list([Node])
        case not(Node)
        case negate(Node)
        case and(Node, Node)
        case or(Node, Node)
        case compare(Node, [(String, Node)])
        case binary(String, Node, Node)
        case conditional(Node, Node, Node)
    }

    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    let root: Node
    public let source: String

    static let maxLength = 10_000
    static let maxDepth = 64

    public init(_ source: String) throws {
        guard source.utf8.count <= Self.maxLength else { throw SyntaxError(message: "the expression is longer than \(Self.maxLength) bytes") }
        self.source = source
        var parser = Parser(tokens: try Lexer.tokens(source))
        root = try parser.expression()
        guard parser.atEnd else { throw SyntaxError(message: "unexpected \(parser.peekDescription) in the expression") }
    }

    enum Token: Equatable {
        case name(String), int(Int), float(Double), string(String), op(String), end
    }

    enum Lexer {
        static let operators = ["**", "//", "==", "!=", "<=", ">=", "(", ")", "[", "]", ",", ".", "+", "-", "*", "/", "%", "<", ">"]

        static func tokens(_ text: String) throws -> [Token] {
            let chars = Array(text)
            var tokens: [Token] = []
            var i = 0
            while i < chars.count {
                let c = chars[i]
                if c.isWhitespace { i += 1; continue }
                if c.isLetter || c == "_" {
                    var name = ""
                    while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" { name.append(chars[i]); i += 1 }
                    tokens.append(.name(name))
                } else if c.isASCII, c.isNumber {
                    var digits = ""
                    while i < chars.count, chars[i].isASCII, chars[i].isNumber || chars[i] == "." || chars[i] == "_" { digits.append(chars[i]); i += 1 }
                    digits.removeAll { $0 == "_" }
                    if digits.contains(".") {
                        guard let value = Double(digits) else { throw SyntaxError(message: "bad number \(digits)") }
                        tokens.append(.float(value))
                    } else {
                        guard let value = Int(digits) else { throw SyntaxError(message: "the number \(digits) is too large") }
                        tokens.append(.int(value))
                    }
                } else if c == "'" || c == "\"" {
                    i += 1
                    var value = ""
                    while i < chars.count, chars[i] != c {
                        if chars[i] == "\\", i + 1 < chars.count {
                            i += 1
                            switch chars[i] {
                            case "n": value.append("\n")
                            case "t": value.append("\t")
                            default: value.append(chars[i])
                            }
                        } else {
                            value.append(chars[i])
                        }
                        i += 1
                    }
                    guard i < chars.count else { throw SyntaxError(message: "unterminated string") }
                    i += 1
                    tokens.append(.string(value))
                } else if let op = operators.first(where: { matches($0, chars, at: i) }) {
                    tokens.append(.op(op))
                    i += op.count
                } else {
                    throw SyntaxError(message: "unexpected character '\(c)'")
                }
            }
            tokens.append(.end)
            return tokens
        }

        static func matches(_ op: String, _ chars: [Character], at index: Int) -> Bool {
            let opChars = Array(op)
            guard index + opChars.count <= chars.count else { return false }
            return Array(chars[index..<(index + opChars.count)]) == opChars
        }
    }

    struct Parser {
        let tokens: [Token]
        var position = 0
        var depth = 0

        init(tokens: [Token]) { self.tokens = tokens }

        var atEnd: Bool { tokens[position] == .end }
        var peek: Token { tokens[position] }
        var peekDescription: String {
            switch peek {
            case .name(let name): return "'\(name)'"
            case .int(let value): return "\(value)"
            case .float(let value): return "\(value)"
            case .string(let value): return "'\(value)'"
            case .op(let op): return "'\(op)'"
            case .end: return "end"
            }
        }

        mutating func advance() -> Token {
            let token = tokens[position]
            if position < tokens.count - 1 { position += 1 }
            return token
        }

        mutating func accept(_ token: Token) -> Bool {
            guard peek == token else { return false }
            _ = advance()
            return true
        }

        mutating func expect(_ token: Token) throws {
            guard accept(token) else { throw SyntaxError(message: "expected \(token) but found \(peekDescription)") }
        }

        mutating func nested<T>(_ body: (inout Parser) throws -> T) throws -> T {
            depth += 1
            defer { depth -= 1 }
            guard depth <= SkipExpression.maxDepth else { throw SyntaxError(message: "the expression is nested too deeply") }
            return try body(&self)
        }

        mutating func expression() throws -> Node {
            try nested { parser in
                let value = try parser.orTest()
                guard parser.accept(.name("if")) else { return value }
                let condition = try parser.orTest()
                try parser.expect(.name("else"))
                return .conditional(condition, value, try parser.expression())
            }
        }

        mutating func orTest() throws -> Node {
            var left = try andTest()
            while accept(.name("or")) { left = .or(left, try andTest()) }
            return left
        }

        mutating func andTest() throws -> Node {
            var left = try notTest()
            while accept(.name("and")) { left = .and(left, try notTest()) }
            return left
        }

        mutating func notTest() throws -> Node {
            if accept(.name("not")) { return try nested { .not(try $0.notTest()) } }
            return try comparison()
        }

        mutating func comparison() throws -> Node {
            let left = try arithmetic()
            var rest: [(String, Node)] = []
            while true {
                let op: String
                switch peek {
                case .op(let symbol) where ["<", ">", "==", "!=", "<=", ">="].contains(symbol):
                    _ = advance(); op = symbol
                case .name("in"):
                    _ = advance(); op = "in"
                case .name("not") where tokens[position + 1] == .name("in"):
                    _ = advance(); _ = advance(); op = "not in"
                case .name("is"):
                    _ = advance(); op = accept(.name("not")) ? "is not" : "is"
                default:
                    return rest.isEmpty ? left : .compare(left, rest)
                }
                rest.append((op, try arithmetic()))
            }
        }

        mutating func arithmetic() throws -> Node {
            var left = try term()
            while case .op(let op) = peek, op == "+" || op == "-" {
                _ = advance()
                left = .binary(op, left, try term())
            }
            return left
        }

        mutating func term() throws -> Node {
            var left = try factor()
            while case .op(let op) = peek, ["*", "/", "//", "%"].contains(op) {
                _ = advance()
                left = .binary(op, left, try factor())
            }
            return left
        }

        mutating func factor() throws -> Node {
            if accept(.op("-")) { return try nested { .negate(try $0.factor()) } }
            if accept(.op("+")) { return try nested { try $0.factor() } }
            return try primary()
        }

        mutating func primary() throws -> Node {
            var node = try atom()
            while true {
                if accept(.op(".")) {
                    guard case .name(let name) = advance() else { throw SyntaxError(message: "expected a name after '.'") }
                    node = .attribute(node, name)
                } else if accept(.op("[")) {
                    let key = try expression()
                    try expect(.op("]"))
                    node = .index(node, key)
                } else if accept(.op("(")) {
                    var arguments: [Node] = []
                    if !accept(.op(")")) {
                        repeat { arguments.append(try expression()) } while accept(.op(","))
                        try expect(.op(")"))
                    }
                    node = .call(node, arguments)
                } else {
                    return node
                }
            }
        }

        mutating func atom() throws -> Node {
            switch advance() {
            case .int(let value): return .literal(.int(value))
            case .float(let value): return .literal(.float(value))
            case .string(let value): return .literal(.string(value))
            case .name("True"): return .literal(.bool(true))
            case .name("False"): return .literal(.bool(false))
            case .name("None"): return .literal(.none)
            case .name(let name) where !["and", "or", "not", "in", "is", "if", "else"].contains(name): return .name(name)
            case .op("("):
                let inner = try expression()
                try expect(.op(")"))
                return inner
            case .op("["):
                var items: [Node] = []
                if !accept(.op("]")) {
                    repeat { items.append(try expression()) } while accept(.op(","))
                    try expect(.op("]"))
                }
                return .list(items)
            default:
                position = max(0, position - 1)
                throw SyntaxError(message: "unexpected \(peekDescription) in the expression")
            }
        }
    }
}
