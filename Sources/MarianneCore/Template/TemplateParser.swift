import Foundation

/// Parses template tokens into statements, with Jinja2's grammar and error rules.
struct TemplateParser {
    var tokens: [TemplateToken]
    var index = 0
    let sourceMap: TemplateSourceMap
    /// Inside an `if` (or inline `if`), an unknown filter or test fails only when used.
    var soft = false
    /// Tag names that would end an enclosing block, for "unknown tag" messages.
    private var endTags: [[String]] = []
    /// Nesting of blocks and sub-expressions, bounded so a hostile template cannot
    /// exhaust the stack.
    var depth = 0
    static let maxDepth = 200

    mutating func descend(at offset: Int) throws {
        depth += 1
        if depth > Self.maxDepth {
            throw error("the template nests blocks or expressions more than \(Self.maxDepth) deep", at: offset)
        }
    }

    init(tokens: [TemplateToken], sourceMap: TemplateSourceMap) {
        self.tokens = tokens
        self.sourceMap = sourceMap
    }

    var current: TemplateToken { tokens[index] }
    func look(_ ahead: Int = 1) -> TemplateToken { tokens[min(index + ahead, tokens.count - 1)] }

    mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    func error(_ message: String, at offset: Int) -> TemplateError {
        let place = sourceMap.position(offset)
        return TemplateError(kind: .syntax, message: message, line: place.line, column: place.column)
    }

    mutating func expectOp(_ op: String) throws {
        guard current.isOp(op) else { throw unexpected(expected: "'\(op)'") }
        advance()
    }

    mutating func expectName() throws -> TemplateToken {
        guard current.kind == .name else { throw unexpected(expected: "name") }
        let token = current
        advance()
        return token
    }

    mutating func expectBlockEnd() throws {
        if current.isOp(":") { advance() }
        guard current.kind == .blockEnd else { throw unexpected(expected: "'end of statement block'") }
        advance()
    }

    func unexpected(expected: String) -> TemplateError {
        if current.kind == .eof {
            return error("unexpected end of template, expected \(expected).", at: current.offset)
        }
        return error("expected token \(expected), got \(current.describe)", at: current.offset)
    }

    mutating func parseTemplate() throws -> [TemplateNode] {
        let body = try parseBody(until: [])
        if current.kind != .eof { throw error("unexpected \(current.describe)", at: current.offset) }
        return body
    }

    /// Statements up to a `{% name %}` in `until` (left as the current token) or the end.
    mutating func parseBody(until: [String]) throws -> [TemplateNode] {
        var body: [TemplateNode] = []
        while true {
            switch current.kind {
            case .eof:
                return body
            case .data:
                body.append(.text(current.text))
                advance()
            case .variableBegin:
                advance()
                body.append(.output(try parseTuple()))
                guard current.kind == .variableEnd else { throw unexpected(expected: "'end of print statement'") }
                advance()
            case .blockBegin:
                let begin = current
                advance()
                if current.kind == .name, until.contains(current.text) { return body }
                body.append(contentsOf: try parseStatement(begin))
                guard current.kind == .blockEnd else { throw unexpected(expected: "'end of statement block'") }
                advance()
            default:
                throw error("unexpected \(current.describe)", at: current.offset)
            }
        }
    }

    /// `body` up to one of `ends`; fails at the end of the template with Jinja's message.
    mutating func parseStatements(_ ends: [String], opened: TemplateToken, name: String) throws -> [TemplateNode] {
        try expectBlockEnd()
        try descend(at: opened.offset)
        defer { depth -= 1 }
        endTags.append(ends)
        defer { endTags.removeLast() }
        let body = try parseBody(until: ends)
        if current.kind == .eof {
            let expected = ends.map { "'\($0)'" }.joined(separator: " or ")
            throw error("unexpected end of template: the '\(name)' tag opened here needs \(expected)", at: opened.offset)
        }
        return body
    }

    private mutating func parseStatement(_ begin: TemplateToken) throws -> [TemplateNode] {
        guard current.kind == .name else { throw error("tag name expected", at: current.offset) }
        let name = current.text
        let wasSoft = soft
        defer { soft = wasSoft }
        switch name {
        case "if": return [try parseIf(begin)]
        case "for": return [try parseFor(begin)]
        case "set": return [try parseSet(begin)]
        case "macro": return [try parseMacro(begin)]
        case "call": return [try parseCallBlock(begin)]
        case "filter": return [try parseFilterBlock(begin)]
        case "with": return [try parseWith(begin)]
        case "block": return [try parseBlock(begin)]
        case "autoescape":
            advance()
            let flag = try parseExpression()
            soft = false
            let body = try parseStatements(["endautoescape"], opened: begin, name: "autoescape")
            advance()
            return [.autoescape(flag, body: body)]
        case "print":
            advance()
            var outputs: [TemplateNode] = []
            while current.kind != .blockEnd {
                if !outputs.isEmpty { try expectOp(",") }
                outputs.append(.output(try parseExpression()))
            }
            return outputs
        case "include", "extends", "import", "from":
            throw error("{% \(name) %} is not supported: templates here have no loader, so a score's template must be self-contained (define macros in it)", at: current.offset)
        default:
            var message = "Encountered unknown tag '\(name)'."
            if let enclosing = endTags.last {
                message += " Jinja was looking for the following tags: \(enclosing.map { "'\($0)'" }.joined(separator: " or "))."
            } else if ["endif", "endfor", "endset", "endmacro", "endcall", "endfilter", "endwith", "endblock", "elif", "else", "endraw"].contains(name) {
                message += " There is no open block it could close."
            }
            throw error(message, at: current.offset)
        }
    }

    private mutating func parseIf(_ begin: TemplateToken) throws -> TemplateNode {
        advance()
        soft = true
        var branches: [TemplateBranch] = []
        while true {
            let condition = try parseTuple(withConditional: false)
            let body = try parseStatements(["elif", "else", "endif"], opened: begin, name: "if")
            branches.append(TemplateBranch(condition: condition, body: body))
            let tag = current.text
            advance()
            if tag == "elif" { continue }
            var otherwise: [TemplateNode] = []
            if tag == "else" {
                otherwise = try parseStatements(["endif"], opened: begin, name: "if")
                advance()
            }
            return .conditional(branches, otherwise: otherwise)
        }
    }

    private mutating func parseFor(_ begin: TemplateToken) throws -> TemplateNode {
        advance()
        let target = try parseAssignTarget(endNames: ["in"])
        guard current.isName("in") else { throw unexpected(expected: "'in'") }
        advance()
        let iterable = try parseTuple(withConditional: false, endNames: ["recursive"])
        var condition: TemplateExpr?
        if current.isName("if") {
            advance()
            condition = try parseExpression()
        }
        var recursive = false
        if current.isName("recursive") {
            advance()
            recursive = true
        }
        soft = false
        let body = try parseStatements(["endfor", "else"], opened: begin, name: "for")
        var otherwise: [TemplateNode] = []
        if current.text == "else" {
            advance()
            otherwise = try parseStatements(["endfor"], opened: begin, name: "for")
        }
        advance()
        return .loop(TemplateLoop(
            target: target, iterable: iterable, condition: condition, body: body, otherwise: otherwise,
            recursive: recursive, usesLoop: TemplateAnalysis.mentions("loop", in: body), offset: begin.offset
        ))
    }

    private mutating func parseSet(_ begin: TemplateToken) throws -> TemplateNode {
        advance()
        let target: TemplateTarget
        if current.kind == .name, look().isOp(".") {
            let namespace = current.text
            advance()
            advance()
            target = .attribute(namespace, try expectName().text)
        } else {
            target = try parseAssignTarget(endNames: [])
        }
        if current.isOp("=") {
            advance()
            return .assign(target, try parseTuple(), offset: begin.offset)
        }
        let filters = try parseFilterChain(inline: false)
        soft = false
        let body = try parseStatements(["endset"], opened: begin, name: "set")
        advance()
        return .assignBlock(target, filters: filters, body: body, offset: begin.offset)
    }

    private mutating func parseMacro(_ begin: TemplateToken) throws -> TemplateNode {
        advance()
        let name = try expectName()
        let parameters = try parseSignature()
        soft = false
        let body = try parseStatements(["endmacro"], opened: begin, name: "macro")
        advance()
        return .macro(Self.macro(name.text, parameters, body, offset: begin.offset))
    }

    static func macro(_ name: String, _ parameters: [TemplateParameter], _ body: [TemplateNode], offset: Int) -> TemplateMacro {
        let declared = Set(parameters.map(\.name))
        return TemplateMacro(
            name: name, parameters: parameters, body: body,
            usesCaller: !declared.contains("caller") && TemplateAnalysis.mentions("caller", in: body),
            usesVarargs: !declared.contains("varargs") && TemplateAnalysis.mentions("varargs", in: body),
            usesKwargs: !declared.contains("kwargs") && TemplateAnalysis.mentions("kwargs", in: body), offset: offset
        )
    }

    private mutating func parseSignature() throws -> [TemplateParameter] {
        try expectOp("(")
        var parameters: [TemplateParameter] = []
        while !current.isOp(")") {
            if !parameters.isEmpty { try expectOp(",") }
            let name = try expectName()
            if ["true", "false", "none", "True", "False", "None"].contains(name.text) {
                throw error("can't assign to 'const'", at: name.offset)
            }
            var defaultValue: TemplateExpr?
            if current.isOp("=") {
                advance()
                defaultValue = try parseExpression()
            } else if parameters.contains(where: { $0.defaultValue != nil }) {
                throw error("non-default argument follows default argument", at: name.offset)
            }
            parameters.append(TemplateParameter(name: name.text, defaultValue: defaultValue))
        }
        advance()
        return parameters
    }

    private mutating func parseCallBlock(_ begin: TemplateToken) throws -> TemplateNode {
        advance()
        let parameters = current.isOp("(") ? try parseSignature() : []
        let call = try parseExpression()
        guard case .call = call.kind else { throw error("expected call", at: begin.offset) }
        soft = false
        let body = try parseStatements(["endcall"], opened: begin, name: "call")
        advance()
        return .callBlock(TemplateCallBlock(call: call, caller: Self.macro("caller", parameters, body, offset: begin.offset)))
    }

    private mutating func parseFilterBlock(_ begin: TemplateToken) throws -> TemplateNode {
        advance()
        let filters = try parseFilterChain(inline: true)
        soft = false
        let body = try parseStatements(["endfilter"], opened: begin, name: "filter")
        advance()
        return .filterBlock(filters, body: body)
    }

    private mutating func parseWith(_ begin: TemplateToken) throws -> TemplateNode {
        advance()
        var assignments: [TemplateAssignment] = []
        while current.kind != .blockEnd {
            if !assignments.isEmpty { try expectOp(",") }
            let target = try parseAssignTarget(endNames: [])
            try expectOp("=")
            assignments.append(TemplateAssignment(target: target, value: try parseExpression()))
        }
        soft = false
        let body = try parseStatements(["endwith"], opened: begin, name: "with")
        advance()
        return .scoped(assignments, body: body)
    }

    private mutating func parseBlock(_ begin: TemplateToken) throws -> TemplateNode {
        advance()
        let name = try expectName()
        while current.isName("scoped") || current.isName("required") { advance() }
        soft = false
        let body = try parseStatements(["endblock"], opened: begin, name: "block")
        advance()
        if current.kind == .name {
            guard current.text == name.text else {
                throw error("mismatching name of block: '\(name.text)' is closed by 'endblock \(current.text)'", at: current.offset)
            }
            advance()
        }
        return .scoped([], body: body)
    }

    /// A name or a tuple of names (`for a, (b, c) in ...`).
    mutating func parseAssignTarget(endNames: [String]) throws -> TemplateTarget {
        let start = current
        let expr = try parseTuple(simplified: true, endNames: endNames)
        guard let target = Self.target(expr) else {
            throw error("can't assign to this expression", at: start.offset)
        }
        return target
    }

    private static func target(_ expr: TemplateExpr) -> TemplateTarget? {
        switch expr.kind {
        case .name(let name): return .name(name)
        case .tuple(let items):
            var targets: [TemplateTarget] = []
            for item in items {
                guard let target = target(item) else { return nil }
                targets.append(target)
            }
            return .tuple(targets)
        default: return nil
        }
    }
}
