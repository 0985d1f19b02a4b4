import BigInt
import Foundation

/// An insertion-ordered mapping with Python dict key rules: `1`, `1.0` and `True` are the
/// same key; keys may be strings, numbers, `None`, booleans or tuples of those.
public struct TemplateMap: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    public private(set) var keys: [TemplateValue] = []
    public private(set) var values: [TemplateValue] = []
    private var index: [TemplateKey: Int] = [:]

    public init() {}

    public init(_ pairs: [(TemplateValue, TemplateValue)]) {
        for (key, value) in pairs { self[key] = value }
    }

    public init(dictionaryLiteral elements: (TemplateValue, TemplateValue)...) {
        self.init(elements)
    }

    /// A mapping with string keys, in key order (Swift dictionaries have no order).
    public init(_ dictionary: [String: TemplateValue]) {
        for key in dictionary.keys.sorted() { self[.string(key)] = dictionary[key] }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// Key-value pairs in insertion order.
    public var pairs: [(key: TemplateValue, value: TemplateValue)] {
        Array(zip(keys, values)).map { (key: $0.0, value: $0.1) }
    }

    /// The value for `key`; setting an existing key keeps its place, `nil` removes it.
    public subscript(key: TemplateValue) -> TemplateValue? {
        get {
            guard let hashed = TemplateKey(key), let position = index[hashed] else { return nil }
            return values[position]
        }
        set {
            guard let hashed = TemplateKey(key) else { return }
            if let position = index[hashed] {
                if let newValue {
                    values[position] = newValue
                } else {
                    keys.remove(at: position)
                    values.remove(at: position)
                    index[hashed] = nil
                    for (other, place) in index where place > position { index[other] = place - 1 }
                }
            } else if let newValue {
                index[hashed] = keys.count
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    public subscript(name: String) -> TemplateValue? {
        get { self[.string(name)] }
        set { self[.string(name)] = newValue }
    }

    /// Whether `key` can be a dict key in Python (lists and dicts cannot).
    static func isHashable(_ key: TemplateValue) -> Bool { TemplateKey(key) != nil }

    public static func == (lhs: TemplateMap, rhs: TemplateMap) -> Bool {
        lhs.keys == rhs.keys && lhs.values == rhs.values
    }
}

/// A key normalised the way Python hashes and compares it.
enum TemplateKey: Hashable {
    case null
    case integer(Int)
    case big(BigInt)
    case float(Double)
    case string(String)
    case tuple([TemplateKey])
    case object(ObjectIdentifier)

    init?(_ value: TemplateValue, depth: Int = 0) {
        if depth > TemplateRenderer.maxNesting { return nil }
        switch value {
        case .null: self = .null
        case .bool(let flag): self = .integer(flag ? 1 : 0)
        case .int(let number): self = .integer(number)
        case .bigInt(let number): self = .big(number)
        case .double(let number):
            if number == number.rounded(), let exact = Int(exactly: number) {
                self = .integer(exact)
            } else if number.isFinite, number == number.rounded(), let exact = BigInt(exactly: number) {
                self = .big(exact)
            } else {
                self = .float(number)
            }
        case .string(let text), .markup(let text): self = .string(text)
        case .tuple(let items):
            var keys: [TemplateKey] = []
            for item in items {
                guard let key = TemplateKey(item, depth: depth + 1) else { return nil }
                keys.append(key)
            }
            self = .tuple(keys)
        case .object(let object): self = .object(ObjectIdentifier(object))
        case .list, .map, .undefined: return nil
        }
    }
}
