import Foundation

/// A template problem with its place in the template text (1-based line and column).
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The template text is not valid Jinja (found when the template is parsed).
        case syntax
        /// A name or member used while rendering does not exist.
        case undefined(String)
        /// An operation on a value of the wrong type (`'a' - 1`, calling a string...).
        case type
        /// The template exceeded a `TemplateLimits` bound.
        case limit
    }

    public var kind: Kind
    public var message: String
    public var line: Int
    public var column: Int

    public init(kind: Kind, message: String, line: Int, column: Int) {
        self.kind = kind
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String { "\(message) (template line \(line), column \(column))" }
}

/// An error raised while evaluating, before its place is known.
struct TemplateFailure: Error {
    var kind: TemplateError.Kind
    var message: String

    static func type(_ message: String) -> TemplateFailure { TemplateFailure(kind: .type, message: message) }
    static func undefined(_ undefined: TemplateUndefined) -> TemplateFailure {
        TemplateFailure(kind: .undefined(undefined.name), message: undefined.message)
    }
}
