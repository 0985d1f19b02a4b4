import Foundation

/// Bounds on one render, so a hostile template cannot freeze or exhaust the conductor.
public struct TemplateLimits: Sendable, Equatable {
    /// Loop iterations, node evaluations and produced collection items, together.
    public var maxSteps: Int
    /// Bytes of output, and of any one string a template builds.
    public var maxOutputBytes: Int
    /// Nested macro calls (a macro calling itself) and recursive loops.
    public var maxCallDepth: Int

    public init(maxSteps: Int = 10_000_000, maxOutputBytes: Int = 16 * 1024 * 1024, maxCallDepth: Int = 100) {
        self.maxSteps = maxSteps
        self.maxOutputBytes = maxOutputBytes
        self.maxCallDepth = maxCallDepth
    }

    /// 10 million steps, 16 MiB of output, 100 nested calls.
    public static let `default` = TemplateLimits()
}

/// How a render treats names that do not exist.
public enum TemplateUndefinedMode: Sendable, Equatable {
    /// Jinja2's `StrictUndefined`: printing, testing, iterating or comparing an undefined
    /// value is an error (prompts).
    case strict
    /// Jinja2's default `Undefined`: an undefined value prints as nothing (injection paths).
    case lenient
}
