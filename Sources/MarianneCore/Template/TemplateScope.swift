import Foundation

/// One level of variables while rendering: the context, a loop iteration, a macro call.
/// `set` writes to the innermost level, so a `set` inside a loop does not leak out.
/// Inner levels hold few names and keep them in small arrays (faster than hashing).
final class TemplateScope {
    private struct Slots {
        var context: [String: TemplateValue]
        var names: [String] = []
        var values: [TemplateValue] = []
    }

    /// Reached through a pointer: loops write these millions of times, and a stored class
    /// property would pay a dynamic exclusivity check on every write.
    private let slots: UnsafeMutablePointer<Slots>
    let parent: TemplateScope?

    init(_ context: [String: TemplateValue] = [:], parent: TemplateScope?) {
        slots = .allocate(capacity: 1)
        slots.initialize(to: Slots(context: context))
        self.parent = parent
    }

    deinit {
        slots.deinitialize(count: 1)
        slots.deallocate()
    }

    /// The value bound at this level only.
    subscript(local name: String) -> TemplateValue? {
        if let index = slots.pointee.names.firstIndex(of: name) { return slots.pointee.values[index] }
        return slots.pointee.context.isEmpty ? nil : slots.pointee.context[name]
    }

    func set(_ name: String, _ value: TemplateValue) {
        if let index = slots.pointee.names.firstIndex(of: name) {
            slots.pointee.values[index] = value
        } else if slots.pointee.context[name] != nil || slots.pointee.names.count >= 16 {
            slots.pointee.context[name] = value
        } else {
            slots.pointee.names.append(name)
            slots.pointee.values.append(value)
        }
    }

    /// Whether this level holds exactly `names`, in order (a loop iteration that bound
    /// nothing beyond its own variables can then be reused as it is).
    func holdsExactly(_ names: [String]) -> Bool {
        slots.pointee.context.isEmpty && slots.pointee.names == names
    }

    /// Forgets this level's variables (a loop starting its next iteration).
    func clear() {
        slots.pointee.names.removeAll(keepingCapacity: true)
        slots.pointee.values.removeAll(keepingCapacity: true)
        if !slots.pointee.context.isEmpty { slots.pointee.context.removeAll() }
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
