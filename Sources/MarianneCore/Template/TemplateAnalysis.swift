import Foundation

/// Static questions about parsed templates: which names a body reads, which variables a
/// template needs from its context.
enum TemplateAnalysis {
    /// Names every template can use without a context: Jinja2's globals.
    static let globals: Set<String> = ["range", "dict", "namespace", "cycler", "joiner", "lipsum"]

    /// Whether `name` is read anywhere in `body` (nested blocks included).
    static func mentions(_ name: String, in body: [TemplateNode]) -> Bool {
        var found = false
        walk(body) { expr in
            if case .name(let read) = expr.kind, read == name { found = true }
        }
        return found
    }

    /// Calls `visit` on every expression of `nodes`, nested ones included.
    static func walk(_ nodes: [TemplateNode], _ visit: (TemplateExpr) -> Void) {
        for node in nodes {
            switch node {
            case .text: break
            case .output(let expr): walk(expr, visit)
            case .conditional(let branches, let otherwise):
                for branch in branches {
                    walk(branch.condition, visit)
                    walk(branch.body, visit)
                }
                walk(otherwise, visit)
            case .loop(let loop):
                walk(loop.iterable, visit)
                if let condition = loop.condition { walk(condition, visit) }
                walk(loop.body, visit)
                walk(loop.otherwise, visit)
            case .assign(_, let value, _): walk(value, visit)
            case .assignBlock(_, let filters, let body, _):
                filters.forEach { $0.arguments.all.forEach { walk($0, visit) } }
                walk(body, visit)
            case .macro(let macro): walk(macro, visit)
            case .callBlock(let block):
                walk(block.call, visit)
                walk(block.caller, visit)
            case .filterBlock(let filters, let body):
                filters.forEach { $0.arguments.all.forEach { walk($0, visit) } }
                walk(body, visit)
            case .scoped(let assignments, let body):
                assignments.forEach { walk($0.value, visit) }
                walk(body, visit)
            case .autoescape(let flag, let body):
                walk(flag, visit)
                walk(body, visit)
            }
        }
    }

    private static func walk(_ macro: TemplateMacro, _ visit: (TemplateExpr) -> Void) {
        macro.parameters.forEach { if let value = $0.defaultValue { walk(value, visit) } }
        walk(macro.body, visit)
    }

    static func walk(_ expr: TemplateExpr, _ visit: (TemplateExpr) -> Void) {
        visit(expr)
        for child in children(expr) { walk(child, visit) }
    }

    static func children(_ expr: TemplateExpr) -> [TemplateExpr] {
        switch expr.kind {
        case .constant, .name: return []
        case .list(let items), .tuple(let items): return items
        case .dict(let pairs): return pairs.flatMap { [$0.key, $0.value] }
        case .attribute(let base, _): return [base]
        case .item(let base, let key): return [base, key]
        case .slice(let start, let stop, let step): return [start, stop, step].compactMap { $0 }
        case .call(let callee, let arguments): return [callee] + arguments.all
        case .filter(let base, let filter), .test(let base, let filter, _): return [base] + filter.arguments.all
        case .not(let inner), .negate(let inner), .plus(let inner): return [inner]
        case .binary(_, let left, let right), .and(let left, let right), .or(let left, let right): return [left, right]
        case .compare(let left, let comparisons): return [left] + comparisons.map(\.operand)
        case .conditional(let test, let then, let otherwise): return [test, then] + [otherwise].compactMap { $0 }
        }
    }

    /// Context variables a template reads: names not bound by `set`, `for`, `with`,
    /// `macro` or a macro's parameters. A name only tested with `is defined` /
    /// `is undefined` or given a `default` is not needed.
    static func freeVariables(_ nodes: [TemplateNode]) -> Set<String> {
        var free = Set<String>()
        var bound = globals
        collect(nodes, bound: &bound, into: &free)
        var assigned = Set<String>()
        collectAssigned(nodes, into: &assigned)
        return free.subtracting(assigned)
    }

    private static func collect(_ nodes: [TemplateNode], bound: inout Set<String>, into free: inout Set<String>) {
        for node in nodes {
            switch node {
            case .text: break
            case .output(let expr): reads(expr, bound, &free)
            case .conditional(let branches, let otherwise):
                for branch in branches {
                    reads(branch.condition, bound, &free)
                    collect(branch.body, bound: &bound, into: &free)
                }
                collect(otherwise, bound: &bound, into: &free)
            case .loop(let loop):
                reads(loop.iterable, bound, &free)
                var inner = bound.union(loop.target.names)
                inner.insert("loop")
                if let condition = loop.condition { reads(condition, inner, &free) }
                collect(loop.body, bound: &inner, into: &free)
                var after = bound
                collect(loop.otherwise, bound: &after, into: &free)
            case .assign(let target, let value, _):
                reads(value, bound, &free)
                bind(target, &bound)
            case .assignBlock(let target, let filters, let body, _):
                filters.forEach { $0.arguments.all.forEach { reads($0, bound, &free) } }
                var inner = bound
                collect(body, bound: &inner, into: &free)
                bind(target, &bound)
            case .macro(let macro):
                bound.insert(macro.name)
                collect(macro, bound: bound, into: &free)
            case .callBlock(let block):
                reads(block.call, bound, &free)
                collect(block.caller, bound: bound, into: &free)
            case .filterBlock(let filters, let body):
                filters.forEach { $0.arguments.all.forEach { reads($0, bound, &free) } }
                var inner = bound
                collect(body, bound: &inner, into: &free)
            case .scoped(let assignments, let body):
                var inner = bound
                for assignment in assignments {
                    reads(assignment.value, bound, &free)
                    bind(assignment.target, &inner)
                }
                collect(body, bound: &inner, into: &free)
            case .autoescape(let flag, let body):
                reads(flag, bound, &free)
                collect(body, bound: &bound, into: &free)
            }
        }
    }

    private static func collect(_ macro: TemplateMacro, bound: Set<String>, into free: inout Set<String>) {
        var inner = bound.union(macro.parameters.map(\.name))
        inner.formUnion(["caller", "varargs", "kwargs"])
        for parameter in macro.parameters {
            if let value = parameter.defaultValue { reads(value, inner, &free) }
        }
        collect(macro.body, bound: &inner, into: &free)
    }

    private static func bind(_ target: TemplateTarget, _ bound: inout Set<String>) {
        switch target {
        case .name, .tuple: bound.formUnion(target.names)
        case .attribute: break
        }
    }

    private static func reads(_ expr: TemplateExpr, _ bound: Set<String>, _ free: inout Set<String>) {
        switch expr.kind {
        case .name(let name):
            if !bound.contains(name) { free.insert(name) }
            return
        case .test(let base, let test, _) where ["defined", "undefined"].contains(test.name):
            if case .name = base.kind {
                test.arguments.all.forEach { reads($0, bound, &free) }
                return
            }
        case .filter(let base, let filter) where ["default", "d"].contains(filter.name):
            if case .name = base.kind {
                filter.arguments.all.forEach { reads($0, bound, &free) }
                return
            }
        default: break
        }
        for child in children(expr) { reads(child, bound, &free) }
    }

    private static func collectAssigned(_ nodes: [TemplateNode], into assigned: inout Set<String>) {
        for node in nodes {
            switch node {
            case .text, .output: break
            case .conditional(let branches, let otherwise):
                branches.forEach { collectAssigned($0.body, into: &assigned) }
                collectAssigned(otherwise, into: &assigned)
            case .loop(let loop):
                assigned.formUnion(loop.target.names)
                collectAssigned(loop.body, into: &assigned)
                collectAssigned(loop.otherwise, into: &assigned)
            case .assign(let target, _, _): assigned.formUnion(target.names)
            case .assignBlock(let target, _, let body, _):
                assigned.formUnion(target.names)
                collectAssigned(body, into: &assigned)
            case .macro(let macro):
                assigned.insert(macro.name)
                collectAssigned(macro.body, into: &assigned)
            case .callBlock(let block): collectAssigned(block.caller.body, into: &assigned)
            case .filterBlock(_, let body): collectAssigned(body, into: &assigned)
            case .scoped(let assignments, let body):
                assignments.forEach { assigned.formUnion($0.target.names) }
                collectAssigned(body, into: &assigned)
            case .autoescape(_, let body): collectAssigned(body, into: &assigned)
            }
        }
    }
}
