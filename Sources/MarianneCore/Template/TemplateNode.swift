import Foundation

/// A statement of a parsed template.
indirect enum TemplateNode: Sendable {
    case text(String)
    case output(TemplateExpr)
    case conditional([TemplateBranch], otherwise: [TemplateNode])
    case loop(TemplateLoop)
    case assign(TemplateTarget, TemplateExpr, offset: Int)
    /// `{% set x | filters %}body{% endset %}`.
    case assignBlock(TemplateTarget, filters: [TemplateFilterCall], body: [TemplateNode], offset: Int)
    case macro(TemplateMacro)
    /// `{% call(params) macro(args) %}body{% endcall %}`.
    case callBlock(TemplateCallBlock)
    case filterBlock([TemplateFilterCall], body: [TemplateNode])
    /// `{% with %}` and `{% block %}`: a body in its own scope.
    case scoped([TemplateAssignment], body: [TemplateNode])
    /// `{% autoescape flag %}`: printed values are HTML-escaped inside when `flag` is true.
    case autoescape(TemplateExpr, body: [TemplateNode])
}

struct TemplateBranch: Sendable {
    var condition: TemplateExpr
    var body: [TemplateNode]
}

struct TemplateAssignment: Sendable {
    var target: TemplateTarget
    var value: TemplateExpr
}

struct TemplateLoop: Sendable {
    var target: TemplateTarget
    var iterable: TemplateExpr
    var condition: TemplateExpr?
    var body: [TemplateNode]
    var otherwise: [TemplateNode]
    var recursive: Bool
    /// Whether the body reads `loop` (otherwise an outer `loop` stays visible).
    var usesLoop: Bool
    var offset: Int
}

struct TemplateParameter: Sendable {
    var name: String
    var defaultValue: TemplateExpr?
}

/// A macro definition (also the body of a `call` block, named `caller`).
struct TemplateMacro: Sendable {
    var name: String
    var parameters: [TemplateParameter]
    var body: [TemplateNode]
    var usesCaller: Bool
    var usesVarargs: Bool
    var usesKwargs: Bool
    var offset: Int
}

struct TemplateCallBlock: Sendable {
    var call: TemplateExpr
    var caller: TemplateMacro
}
