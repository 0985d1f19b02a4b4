import Foundation

/// One level of variables while rendering: the context, a loop iteration, a macro call.
/// `set` writes to the innermost level, so a `set` inside a loop does not leak out.
final class TemplateScope {
    var variables: [String: TemplateValue]
    let parent: TemplateScope?

    init(_ variables: [String: TemplateValue] = [:], parent: TemplateScope?) {
        self.variables = variables
        self.parent = parent
    }

    func lookup(_ name: String) -> TemplateValue? {
        var scope: TemplateScope? = self
        while let current = scope {
            if let value = current.variables[name] { return value }
            scope = current.parent
        }
        return nil
    }

    /// Replaces `name` where it is defined (for in-place list and dict methods).
    func update(_ name: String, _ value: TemplateValue) {
        var scope: TemplateScope? = self
        while let current = scope {
            if current.variables[name] != nil {
                current.variables[name] = value
                return
            }
            scope = current.parent
        }
    }
}
