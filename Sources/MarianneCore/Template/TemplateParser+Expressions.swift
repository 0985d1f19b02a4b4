import Foundation

/// Expressions, with Jinja2's precedence: inline `if`, `or`, `and`, `not`, comparisons,
/// `+ -`, `~`, `* / // %`, `**`, unary `- +`, then postfix, filters and tests.
extension TemplateParser {
    private func node(_ kind: TemplateExpr.Kind, _ offset: Int) -> TemplateExpr { TemplateExpr(kind: kind, offset: offset) }

    /// Comma-separated expressions; a tuple when there is a comma.
    mutating func parseTuple(
        simplified: Bool = false, withConditional: Bool = true, endNames: [String] = [], explicitParentheses: Bool = false
    ) throws -> TemplateExpr {
        let start = current.offset
        var items: [TemplateExpr] = []
        var isTuple = false
        while true {
            if !items.isEmpty { try expectOp(",") }
            if current.kind == .variableEnd || current.kind == .blockEnd || current.isOp(")")
                || (current.kind == .name && endNames.contains(current.text)) {
                break
            }
            if simplified {
                items.append(try parsePrimary())
            } else {
                items.append(try parseExpression(withConditional: withConditional))
            }
            guard current.isOp(",") else { break }
            isTuple = true
        }
        if !isTuple {
            if let only = items.first { return only }
            if !explicitParentheses { throw error("Expected an expression, got \(current.describe)", at: current.offset) }
        }
        return node(.tuple(items), start)
    }

    mutating func parseExpression(withConditional: Bool = true) throws -> TemplateExpr {
        try descend(at: current.offset)
        defer { depth -= 1 }
        return withConditional ? try parseConditional() : try parseOr()
    }

    private mutating func parseConditional() throws -> TemplateExpr {
        let start = current.offset
        var expr = try parseOr()
        while current.isName("if") {
            advance()
            let wasSoft = soft
            soft = true
            defer { soft = wasSoft }
            let test = try parseOr()
            var otherwise: TemplateExpr?
            if current.isName("else") {
                advance()
                otherwise = try parseConditional()
            }
            expr = node(.conditional(test: test, then: expr, otherwise: otherwise), start)
        }
        return expr
    }

    private mutating func parseOr() throws -> TemplateExpr {
        var left = try parseAnd()
        while current.isName("or") {
            let offset = current.offset
            advance()
            left = node(.or(left, try parseAnd()), offset)
        }
        return left
    }

    private mutating func parseAnd() throws -> TemplateExpr {
        var left = try parseNot()
        while current.isName("and") {
            let offset = current.offset
            advance()
            left = node(.and(left, try parseNot()), offset)
        }
        return left
    }

    private mutating func parseNot() throws -> TemplateExpr {
        if current.isName("not") {
            let offset = current.offset
            try descend(at: offset)
            defer { depth -= 1 }
            advance()
            return node(.not(try parseNot()), offset)
        }
        return try parseCompare()
    }

    private static let compareOperators: [String: TemplateCompareOperator] = [
        "==": .equal, "!=": .notEqual, "<": .less, "<=": .lessOrEqual, ">": .greater, ">=": .greaterOrEqual,
    ]

    private mutating func parseCompare() throws -> TemplateExpr {
        let start = current.offset
        let left = try parseMath1()
        var comparisons: [TemplateComparison] = []
        while true {
            if current.kind == .op, let op = Self.compareOperators[current.text] {
                advance()
                comparisons.append(TemplateComparison(op: op, operand: try parseMath1()))
            } else if current.isName("in") {
                advance()
                comparisons.append(TemplateComparison(op: .isIn, operand: try parseMath1()))
            } else if current.isName("not"), look().isName("in") {
                advance()
                advance()
                comparisons.append(TemplateComparison(op: .notIn, operand: try parseMath1()))
            } else {
                break
            }
        }
        return comparisons.isEmpty ? left : node(.compare(left, comparisons), start)
    }

    private mutating func parseMath1() throws -> TemplateExpr {
        var left = try parseConcat()
        while current.isOp("+") || current.isOp("-") {
            let op: TemplateBinaryOperator = current.text == "+" ? .add : .subtract
            let offset = current.offset
            advance()
            left = node(.binary(op, left, try parseConcat()), offset)
        }
        return left
    }

    private mutating func parseConcat() throws -> TemplateExpr {
        var left = try parseMath2()
        while current.isOp("~") {
            let offset = current.offset
            advance()
            left = node(.binary(.concat, left, try parseMath2()), offset)
        }
        return left
    }

    private mutating func parseMath2() throws -> TemplateExpr {
        var left = try parsePow()
        while current.kind == .op, let op = ["*": TemplateBinaryOperator.multiply, "/": .divide, "//": .floorDivide, "%": .modulo][current.text] {
            let offset = current.offset
            advance()
            left = node(.binary(op, left, try parsePow()), offset)
        }
        return left
    }

    private mutating func parsePow() throws -> TemplateExpr {
        var left = try parseUnary()
        while current.isOp("**") {
            let offset = current.offset
            advance()
            left = node(.binary(.power, left, try parseUnary()), offset)
        }
        return left
    }

    private mutating func parseUnary(withFilter: Bool = true) throws -> TemplateExpr {
        let start = current.offset
        try descend(at: start)
        defer { depth -= 1 }
        var expr: TemplateExpr
        if current.isOp("-") {
            advance()
            expr = node(.negate(try parseUnary(withFilter: false)), start)
        } else if current.isOp("+") {
            advance()
            expr = node(.plus(try parseUnary(withFilter: false)), start)
        } else {
            expr = try parsePrimary()
        }
        expr = try parsePostfix(expr)
        if withFilter { expr = try parseFilterExpression(expr) }
        return expr
    }

    mutating func parsePrimary() throws -> TemplateExpr {
        let token = current
        try descend(at: token.offset)
        defer { depth -= 1 }
        switch token.kind {
        case .name:
            advance()
            switch token.text {
            case "true", "True": return node(.constant(.bool(true)), token.offset)
            case "false", "False": return node(.constant(.bool(false)), token.offset)
            case "none", "None": return node(.constant(.null), token.offset)
            default: return node(.name(token.text), token.offset)
            }
        case .string:
            var text = ""
            while current.kind == .string {
                text += current.text
                advance()
            }
            return node(.constant(.string(text)), token.offset)
        case .integer:
            advance()
            if let big = token.bigInteger { return node(.constant(.bigInt(big)), token.offset) }
            return node(.constant(.int(token.integer)), token.offset)
        case .float:
            advance()
            return node(.constant(.double(token.float)), token.offset)
        case .op where token.text == "(":
            advance()
            let inner = try parseTuple(explicitParentheses: true)
            try expectOp(")")
            return inner
        case .op where token.text == "[":
            advance()
            var items: [TemplateExpr] = []
            while !current.isOp("]") {
                if !items.isEmpty { try expectOp(",") }
                if current.isOp("]") { break }
                items.append(try parseExpression())
            }
            advance()
            return node(.list(items), token.offset)
        case .op where token.text == "{":
            advance()
            var pairs: [TemplatePair] = []
            while !current.isOp("}") {
                if !pairs.isEmpty { try expectOp(",") }
                if current.isOp("}") { break }
                let key = try parseExpression()
                try expectOp(":")
                pairs.append(TemplatePair(key: key, value: try parseExpression()))
            }
            advance()
            return node(.dict(pairs), token.offset)
        default:
            if token.kind == .eof { throw error("unexpected end of template, expected an expression.", at: token.offset) }
            throw error("unexpected \(token.describe)", at: token.offset)
        }
    }

    private mutating func parsePostfix(_ base: TemplateExpr) throws -> TemplateExpr {
        var expr = base
        while true {
            if current.isOp(".") {
                let offset = current.offset
                advance()
                let token = current
                advance()
                if token.kind == .name {
                    expr = node(.attribute(expr, token.text), offset)
                } else if token.kind == .integer {
                    expr = node(.item(expr, node(.constant(.int(token.integer)), token.offset)), offset)
                } else {
                    throw error("expected name or number", at: token.offset)
                }
            } else if current.isOp("[") {
                let offset = current.offset
                advance()
                var subscripts: [TemplateExpr] = []
                while !current.isOp("]") {
                    if !subscripts.isEmpty { try expectOp(",") }
                    subscripts.append(try parseSubscript())
                }
                advance()
                let key = subscripts.count == 1 ? subscripts[0] : node(.tuple(subscripts), offset)
                expr = node(.item(expr, key), offset)
            } else if current.isOp("(") {
                let offset = current.offset
                expr = node(.call(expr, try parseCallArguments()), offset)
            } else {
                return expr
            }
        }
    }

    private mutating func parseSubscript() throws -> TemplateExpr {
        let start = current.offset
        var parts: [TemplateExpr?] = []
        if current.isOp(":") {
            advance()
            parts = [nil]
        } else {
            let first = try parseExpression()
            guard current.isOp(":") else { return first }
            advance()
            parts = [first]
        }
        let atEnd = { (parser: TemplateParser) in parser.current.isOp("]") || parser.current.isOp(",") || parser.current.isOp(":") }
        parts.append(atEnd(self) ? nil : try parseExpression())
        if current.isOp(":") {
            advance()
            parts.append(current.isOp("]") || current.isOp(",") ? nil : try parseExpression())
        } else {
            parts.append(nil)
        }
        return node(.slice(parts[0], parts[1], parts[2]), start)
    }

    mutating func parseCallArguments() throws -> TemplateArguments {
        let open = current.offset
        try expectOp("(")
        var arguments = TemplateArguments()
        var needComma = false
        let invalid = error("invalid syntax for function call expression", at: open)
        while !current.isOp(")") {
            if needComma {
                try expectOp(",")
                if current.isOp(")") { break }
            }
            if current.isOp("*") {
                guard arguments.star == nil, arguments.starStar == nil else { throw invalid }
                advance()
                arguments.star = try parseExpression()
            } else if current.isOp("**") {
                guard arguments.starStar == nil else { throw invalid }
                advance()
                arguments.starStar = try parseExpression()
            } else if current.kind == .name, look().isOp("=") {
                guard arguments.starStar == nil else { throw invalid }
                let name = current.text
                advance()
                advance()
                arguments.keywords.append(TemplateKeywordArgument(name: name, value: try parseExpression()))
            } else {
                guard arguments.star == nil, arguments.starStar == nil, arguments.keywords.isEmpty else { throw invalid }
                arguments.positional.append(try parseExpression())
            }
            needComma = true
        }
        advance()
        return arguments
    }

    private mutating func parseFilterExpression(_ base: TemplateExpr) throws -> TemplateExpr {
        var expr = base
        while true {
            if current.isOp("|") {
                for filter in try parseFilterChain(inline: false) {
                    expr = node(.filter(expr, filter), filter.offset)
                }
            } else if current.isName("is") {
                expr = try parseTest(expr)
            } else if current.isOp("(") {
                let offset = current.offset
                expr = node(.call(expr, try parseCallArguments()), offset)
            } else {
                return expr
            }
        }
    }

    private mutating func dottedName() throws -> TemplateToken {
        var token = try expectName()
        while current.isOp(".") {
            advance()
            token.text += "." + (try expectName()).text
        }
        return token
    }

    /// `| a | b(x)`; with `inline` the first filter has no `|` (filter blocks).
    mutating func parseFilterChain(inline: Bool) throws -> [TemplateFilterCall] {
        var filters: [TemplateFilterCall] = []
        var first = inline
        while current.isOp("|") || first {
            if !first { advance() }
            first = false
            let name = try dottedName()
            guard soft || TemplateFilters.isKnown(name.text) else { throw error("No filter named '\(name.text)'.", at: name.offset) }
            let arguments = current.isOp("(") ? try parseCallArguments() : TemplateArguments()
            filters.append(TemplateFilterCall(name: name.text, arguments: arguments, offset: name.offset))
        }
        return filters
    }

    private mutating func parseTest(_ base: TemplateExpr) throws -> TemplateExpr {
        let isToken = current
        advance()
        var negated = false
        if current.isName("not") {
            advance()
            negated = true
        }
        let name = try dottedName()
        guard soft || TemplatePredicates.isKnown(name.text) else { throw error("No test named '\(name.text)'.", at: name.offset) }
        var arguments = TemplateArguments()
        if current.isOp("(") {
            arguments = try parseCallArguments()
        } else if [.name, .string, .integer, .float].contains(current.kind) || current.isOp("[") || current.isOp("{"),
                  !(current.isName("else") || current.isName("or") || current.isName("and")) {
            if current.isName("is") { throw error("You cannot chain multiple tests with is", at: current.offset) }
            arguments.positional = [try parsePostfix(try parsePrimary())]
        }
        return node(.test(base, TemplateFilterCall(name: name.text, arguments: arguments, offset: name.offset), negated: negated), isToken.offset)
    }
}
