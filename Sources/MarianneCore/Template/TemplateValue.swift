import BigInt
import Foundation

/// A value a template works with, modelled on the Python values Jinja2 sees: user variables
/// from YAML, the built-in sheet variables, and what expressions compute.
///
/// `undefined` and `object` are produced by the engine while rendering (a missing name, a
/// macro, a namespace, `loop`...); callers build contexts from the other cases.
public enum TemplateValue: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    /// An integer beyond 64 bits (Python's integers do not overflow). Never holds a value
    /// that fits in `int`; see `TemplateValue.integer(_:)`.
    case bigInt(BigInt)
    case double(Double)
    case string(String)
    /// Text marked safe (`| safe`, `| escape`): prints as is.
    case markup(String)
    case list([TemplateValue])
    case tuple([TemplateValue])
    /// An ordered mapping (Python dict order: insertion order).
    case map(TemplateMap)
    /// A name or member that does not exist.
    case undefined(TemplateUndefined)
    /// Engine objects: macros, namespaces, `loop`, bound methods.
    case object(TemplateObject)
}

/// Why a value is undefined, for the error raised when it is used.
public struct TemplateUndefined: Sendable, Equatable {
    /// The message of the error raised when the value is used (`'x' is undefined`).
    public var message: String
    /// The missing name (the variable or the member).
    public var name: String
    /// Undefined values that never raise (an inline `if` without `else`).
    public var lenient: Bool

    public init(message: String, name: String, lenient: Bool = false) {
        self.message = message
        self.name = name
        self.lenient = lenient
    }

    static func variable(_ name: String) -> TemplateUndefined {
        TemplateUndefined(message: "'\(name)' is undefined", name: name)
    }

    static func member(_ name: String, of value: TemplateValue) -> TemplateUndefined {
        if case .undefined(let base) = value { return base }
        return TemplateUndefined(message: "'\(value.pythonTypeName) object' has no attribute '\(name)'", name: name)
    }

    static func item(_ key: TemplateValue, of value: TemplateValue) -> TemplateUndefined {
        if case .string(let name) = key { return member(name, of: value) }
        return TemplateUndefined(message: "'\(value.pythonTypeName) object' has no element \(key.pythonRepr)", name: key.pythonString)
    }
}

extension TemplateValue: Equatable {
    /// Structural equality (a score compares equal to itself); templates use Python's `==`.
    public static func == (lhs: TemplateValue, rhs: TemplateValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.bigInt(let a), .bigInt(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)), (.markup(let a), .markup(let b)): return a == b
        case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)): return a == b
        case (.map(let a), .map(let b)): return a == b
        case (.undefined(let a), .undefined(let b)): return a == b
        case (.object(let a), .object(let b)): return a === b
        default: return false
        }
    }
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (TemplateValue, TemplateValue)...) {
        self = .map(TemplateMap(elements))
    }
}

extension TemplateValue {
    /// Integers past this many bits are an error, the size where Python stops printing them
    /// (4,300 decimal digits).
    static let maxIntegerBits = 14_280

    /// `.int` when the value fits in 64 bits, `.bigInt` otherwise; nil past `maxIntegerBits`.
    static func integer(_ value: BigInt) -> TemplateValue? {
        if let small = Int(exactly: value) { return .int(small) }
        return value.bitWidth > maxIntegerBits ? nil : .bigInt(value)
    }

    /// Ints, bools and big integers as a BigInt.
    var bigIntegerValue: BigInt? {
        switch self {
        case .int(let number): return BigInt(number)
        case .bool(let flag): return flag ? 1 : 0
        case .bigInt(let number): return number
        default: return nil
        }
    }

    /// Python's truth value. Undefined values are handled by the renderer before this.
    var truthy: Bool {
        switch self {
        case .null: return false
        case .bool(let value): return value
        case .int(let value): return value != 0
        case .bigInt: return true
        case .double(let value): return value != 0
        case .string(let value), .markup(let value): return !value.isEmpty
        case .list(let items), .tuple(let items): return !items.isEmpty
        case .map(let map): return !map.isEmpty
        case .undefined: return false
        case .object(let object): return (object as? TemplateDictView).map { !$0.items.isEmpty } ?? true
        }
    }

    /// Whether lists, tuples and mappings nest more than `limit` levels (looked at only to
    /// that depth). Values kept across loop iterations are checked, so a template cannot
    /// build a structure too deep to compare or free.
    func nests(deeperThan limit: Int) -> Bool {
        guard limit >= 0 else { return true }
        switch self {
        case .list(let items), .tuple(let items): return items.contains { $0.nests(deeperThan: limit - 1) }
        case .map(let map): return map.values.contains { $0.nests(deeperThan: limit - 1) } || map.keys.contains { $0.nests(deeperThan: limit - 1) }
        default: return false
        }
    }

    var isUndefined: Bool {
        if case .undefined = self { return true }
        return false
    }

    /// The text of a string or markup value.
    var stringValue: String? {
        switch self {
        case .string(let value), .markup(let value): return value
        default: return nil
        }
    }

    /// Items of a list or tuple.
    var sequenceItems: [TemplateValue]? {
        switch self {
        case .list(let items), .tuple(let items): return items
        default: return nil
        }
    }

    /// The number as a Double (bools count as 0 and 1, as in Python).
    var numberValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .bigInt(let value): return Double(value)
        case .double(let value): return value
        case .bool(let value): return value ? 1 : 0
        default: return nil
        }
    }

    var isNumber: Bool {
        switch self {
        case .int, .bigInt, .double, .bool: return true
        default: return false
        }
    }

    /// Python's type name, for messages (`'int' object ...`).
    var pythonTypeName: String {
        switch self {
        case .null: return "NoneType"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .double: return "float"
        case .string: return "str"
        case .markup: return "Markup"
        case .list: return "list"
        case .tuple: return "tuple"
        case .map: return "dict"
        case .undefined: return "Undefined"
        case .object(let object): return object.typeName
        }
    }
}
