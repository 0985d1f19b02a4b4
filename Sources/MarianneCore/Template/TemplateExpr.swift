import Foundation

/// An expression of the template language, with its offset in the source.
struct TemplateExpr: Sendable {
    indirect enum Kind: Sendable {
        case constant(TemplateValue)
        case name(String)
        case list([TemplateExpr])
        case tuple([TemplateExpr])
        case dict([TemplatePair])
        /// `a.b`: attribute first, then item.
        case attribute(TemplateExpr, String)
        /// `a[b]`: item first, then attribute.
        case item(TemplateExpr, TemplateExpr)
        /// `a[start:stop:step]` (the subscript of an `.item`).
        case slice(TemplateExpr?, TemplateExpr?, TemplateExpr?)
        case call(TemplateExpr, TemplateArguments)
        case filter(TemplateExpr, TemplateFilterCall)
        case test(TemplateExpr, TemplateFilterCall, negated: Bool)
        case not(TemplateExpr)
        case negate(TemplateExpr)
        case plus(TemplateExpr)
        case binary(TemplateBinaryOperator, TemplateExpr, TemplateExpr)
        case and(TemplateExpr, TemplateExpr)
        case or(TemplateExpr, TemplateExpr)
        case compare(TemplateExpr, [TemplateComparison])
        case conditional(test: TemplateExpr, then: TemplateExpr, otherwise: TemplateExpr?)
    }

    var kind: Kind
    var offset: Int
}

struct TemplatePair: Sendable {
    var key: TemplateExpr
    var value: TemplateExpr
}

struct TemplateComparison: Sendable {
    var op: TemplateCompareOperator
    var operand: TemplateExpr
}

enum TemplateBinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//", modulo = "%", power = "**", concat = "~"
}

enum TemplateCompareOperator: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", isIn = "in", notIn = "not in"
}

/// Arguments of a call, a filter or a test.
struct TemplateArguments: Sendable {
    var positional: [TemplateExpr] = []
    var keywords: [TemplateKeywordArgument] = []
    var star: TemplateExpr?
    var starStar: TemplateExpr?

    var isEmpty: Bool { positional.isEmpty && keywords.isEmpty && star == nil && starStar == nil }
    var all: [TemplateExpr] { positional + keywords.map(\.value) + [star, starStar].compactMap { $0 } }
}

struct TemplateKeywordArgument: Sendable {
    var name: String
    var value: TemplateExpr
}

/// `| name(args)` or `is name(args)`.
struct TemplateFilterCall: Sendable {
    var name: String
    var arguments: TemplateArguments
    var offset: Int
}

/// What `set`, `for` and `with` assign to.
indirect enum TemplateTarget: Sendable {
    case name(String)
    case tuple([TemplateTarget])
    /// `ns.attr` (namespace objects only).
    case attribute(String, String)

    var names: [String] {
        switch self {
        case .name(let name): return [name]
        case .tuple(let items): return items.flatMap(\.names)
        case .attribute: return []
        }
    }
}
