import Foundation

/// A Jinja2 template, parsed once and rendered many times.
///
/// Renders as Python's Jinja2 3.1 does with `Environment(undefined=StrictUndefined,
/// autoescape=False, keep_trailing_newline=True)`: expressions, filters, tests, `if`,
/// `for`, `set`, `macro`, `call`, `filter`, `with`, `raw`, whitespace control. There is no
/// loader, so `include`, `extends`, `import` and `from` are syntax errors.
public struct Template: Sendable {
    let nodes: [TemplateNode]
    let sourceMap: TemplateSourceMap

    /// Context variables the template reads: names not bound by its own `set`, `for`,
    /// `with` or macros. Names only tested with `is defined` / `is undefined` or given a
    /// `| default(...)` are left out.
    public let referencedVariables: Set<String>

    /// Parses `source`; throws a `TemplateError` of kind `.syntax` with its line and column.
    /// `keepTrailingNewline: false` drops one final newline, as Jinja2 does by default.
    public init(_ source: String, keepTrailingNewline: Bool = true) throws {
        var lexer = TemplateLexer(source: source, keepTrailingNewline: keepTrailingNewline)
        let tokens = try lexer.tokenize()
        sourceMap = TemplateSourceMap(lexer.scalars)
        var parser = TemplateParser(tokens: tokens, sourceMap: sourceMap)
        nodes = try parser.parseTemplate()
        referencedVariables = TemplateAnalysis.freeVariables(nodes)
    }

    /// Renders with `context`. Throws a `TemplateError`: `.undefined` for a missing name
    /// (in `.strict` mode), `.type` for a bad operation, `.limit` past `limits`.
    public func render(
        _ context: [String: TemplateValue], limits: TemplateLimits = .default, undefined: TemplateUndefinedMode = .strict
    ) throws -> String {
        let renderer = TemplateRenderer(limits: limits, strict: undefined == .strict, sourceMap: sourceMap)
        do {
            try renderer.render(nodes, TemplateScope(context, parent: nil))
        } catch let failure as TemplateFailure {
            throw renderer.located(failure, 0)
        }
        return renderer.output
    }
}
