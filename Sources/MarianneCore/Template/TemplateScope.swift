import Foundation

/// One level of variables while rendering: the context, a loop iteration, a macro call.
/// `set` writes to the innermost level, so a `set` inside a loop does not leak out.
/// Inner levels hold few names and keep them in small arrays (faster than hashing).
final class TemplateScope {
    // Loops write these millions of times; without `unchecked`, every write to a class
    // property pays a dynamic exclusivity check (a render runs on one thread).
    @exclusivity(unchecked) private var context: [String: TemplateValue]
    @exclusivity(unchecked) private var names: [String] = []
    @exclusivity(unchecked) private var values: [TemplateValue] = []
    let parent: TemplateScope?

    init(_ context: [String: TemplateValue] = [:], parent: TemplateScope?) {
        self.context = context
        self.parent = parent
    }

    /// The value bound at this level only.
    subscript(local name: String) -> TemplateValue? {
        if let index = names.firstIndex(of: name) { return values[index] }
        return context.isEmpty ? nil : context[name]
    }

    func set(_ name: String, _ value: TemplateValue) {
        if let index = names.firstIndex(of: name) {
            values[index] = value
        } else if context[name] != nil || names.count >= 16 {
            context[name] = value
        } else {
            names.append(name)
            values.append(value)
        }
    }

    /// Whether this level holds exactly `names`, in order (a loop iteration that bound
    /// nothing beyond its own variables can then be reused as it is).
    func holdsExactly(_ expected: [String]) -> Bool {
        context.isEmpty && names == expected
    }

    /// Forgets this level's variables (a loop starting its next iteration).
    func clear() {
        names.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        if !context.isEmpty { context.removeAll() }
    }

    func lookup(_ name: String) -> TemplateValue? {
        var scope: TemplateScope? = self
        while let current = scope {
            if let value = current[local: name] { return value }
            scope = current.parent
        }
        return nil
    }

    /// Replaces `name` where it is defined (for in-place list and dict methods).
    func update(_ name: String, _ value: TemplateValue) {
        var scope: TemplateScope? = self
        while let current = scope {
            if current[local: name] != nil {
                current.set(name, value)
                return
            }
            scope = current.parent
        }
    }
}
