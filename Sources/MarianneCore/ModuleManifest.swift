import Foundation
import MarianneProtocol

/// A module's `module.json`: what it is, how to start it, and what it accepts.
public struct ModuleManifest: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var version: String
    public var description: String?
    /// Path of the executable, relative to the module folder.
    public var entrypoint: String
    public var inputs: [String: ModuleParameter]
    public var settings: [String: ModuleParameter]

    public init(
        id: String, name: String, version: String, description: String? = nil, entrypoint: String,
        inputs: [String: ModuleParameter] = [:], settings: [String: ModuleParameter] = [:]
    ) {
        self.id = id
        self.name = name
        self.version = version
        self.description = description
        self.entrypoint = entrypoint
        self.inputs = inputs
        self.settings = settings
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        version = try container.decode(String.self, forKey: .version)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        entrypoint = try container.decode(String.self, forKey: .entrypoint)
        inputs = try container.decodeIfPresent([String: ModuleParameter].self, forKey: .inputs) ?? [:]
        settings = try container.decodeIfPresent([String: ModuleParameter].self, forKey: .settings) ?? [:]
    }
}

/// One declared input or setting.
public struct ModuleParameter: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case string, integer, number, boolean, object, array
    }

    public var type: Kind
    public var required: Bool
    public var `default`: JSONValue?
    public var description: String?

    public init(type: Kind, required: Bool = false, default: JSONValue? = nil, description: String? = nil) {
        self.type = type
        self.required = required
        self.default = `default`
        self.description = description
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(Kind.self, forKey: .type)
        required = try container.decodeIfPresent(Bool.self, forKey: .required) ?? false
        `default` = try container.decodeIfPresent(JSONValue.self, forKey: .default)
        description = try container.decodeIfPresent(String.self, forKey: .description)
    }

    /// Text from the command line (`--input count=3`) becomes the declared type when it
    /// parses as one; anything else is left as it is.
    public func coerce(_ value: JSONValue) -> JSONValue {
        guard case .string(let text) = value, type != .string else { return value }
        switch type {
        case .integer: return Int(text).map(JSONValue.int) ?? value
        case .number:
            // Non-finite numbers ("inf", "1e400") stay text and fail the type check.
            guard let number = Double(text), number.isFinite else { return value }
            if let exact = Int(exactly: number), !text.contains("."), !text.lowercased().contains("e") { return .int(exact) }
            return .double(number)
        case .boolean: return ["true": JSONValue.bool(true), "false": .bool(false)][text.lowercased()] ?? value
        case .object, .array:
            return (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? value
        case .string: return value
        }
    }

    /// Whether `value` has this parameter's type (an integer is also a number).
    public func accepts(_ value: JSONValue) -> Bool {
        switch (type, value) {
        case (.string, .string), (.integer, .int), (.number, .int), (.number, .double), (.boolean, .bool),
             (.object, .object), (.array, .array):
            return true
        case (.integer, .double(let number)):
            return number.isFinite && number == number.rounded()
        default:
            return false
        }
    }
}

extension ModuleManifest {
    /// Reads and checks `module.json` in `folder`; every problem is listed.
    public static func load(folder: String) throws -> ModuleManifest {
        let path = (folder as NSString).appendingPathComponent("module.json")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModuleError(problems: ["\(path) cannot be read: a module folder needs a module.json"])
        }
        let manifest: ModuleManifest
        do {
            manifest = try JSONDecoder().decode(ModuleManifest.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw ModuleError(problems: ["module.json: missing key \"\(Self.path(context.codingPath + [key]))\""])
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw ModuleError(problems: ["module.json: \(Self.path(context.codingPath)): \(context.debugDescription)"])
        } catch let DecodingError.dataCorrupted(context) {
            let where_ = context.codingPath.isEmpty ? "" : " at \(Self.path(context.codingPath))"
            throw ModuleError(problems: ["module.json is not valid JSON\(where_): \(context.debugDescription)"])
        } catch {
            throw ModuleError(problems: ["module.json: \(error)"])
        }
        var problems: [String] = []
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        if manifest.id.isEmpty || manifest.id.count > 64 || manifest.id.hasPrefix(".") || !manifest.id.allSatisfy(allowed.contains) {
            problems.append("id \"\(manifest.id)\" is invalid: use 1-64 letters, digits, '.', '_' or '-'")
        }
        if manifest.entrypoint.hasPrefix("/") || manifest.entrypoint.split(separator: "/").contains("..") {
            problems.append("entrypoint \"\(manifest.entrypoint)\" must be a path inside the module folder")
        } else {
            let entry = (folder as NSString).appendingPathComponent(manifest.entrypoint)
            if !FileManager.default.fileExists(atPath: entry) {
                problems.append("entrypoint \"\(manifest.entrypoint)\" does not exist in \(folder)")
            } else if !FileManager.default.isExecutableFile(atPath: entry) {
                problems.append("entrypoint \"\(manifest.entrypoint)\" is not executable (chmod +x it)")
            }
        }
        for (group, parameters) in [("inputs", manifest.inputs), ("settings", manifest.settings)] {
            for (name, parameter) in parameters.sorted(by: { $0.key < $1.key }) {
                if let value = parameter.default, !parameter.accepts(value) {
                    problems.append("\(group).\(name): default \(value) is not of type \(parameter.type.rawValue)")
                }
            }
        }
        guard problems.isEmpty else { throw ModuleError(problems: problems) }
        return manifest
    }

    private static func path(_ keys: [CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    /// Applies defaults and checks types, required values and unknown names. Returns the
    /// values to run with, or throws listing every problem.
    public func resolve(inputs given: [String: JSONValue], settings givenSettings: [String: JSONValue]) throws -> (inputs: [String: JSONValue], settings: [String: JSONValue]) {
        var problems: [String] = []
        func resolve(_ group: String, _ declared: [String: ModuleParameter], _ values: [String: JSONValue]) -> [String: JSONValue] {
            var result: [String: JSONValue] = [:]
            for name in values.keys.sorted() where declared[name] == nil {
                let known = declared.keys.sorted().joined(separator: ", ")
                problems.append("\(group) \"\(name)\" is not declared by module \(id)" + (known.isEmpty ? "" : " (known: \(known))"))
            }
            for (name, parameter) in declared.sorted(by: { $0.key < $1.key }) {
                if let given = values[name] {
                    let value = parameter.coerce(given)
                    if parameter.accepts(value) {
                        result[name] = value
                    } else {
                        problems.append("\(group) \"\(name)\" must be of type \(parameter.type.rawValue), got \(Self.describe(value))")
                    }
                } else if let value = parameter.default {
                    result[name] = value
                } else if parameter.required {
                    problems.append("\(group) \"\(name)\" is required" + (parameter.description.map { " (\($0))" } ?? ""))
                }
            }
            return result
        }
        let inputs = resolve("input", self.inputs, given)
        let settings = resolve("setting", self.settings, givenSettings)
        guard problems.isEmpty else { throw ModuleError(problems: problems) }
        return (inputs, settings)
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// A module that cannot be installed or started; lists every problem.
public struct ModuleError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]

    public init(problems: [String]) {
        self.problems = problems
    }

    public var description: String { problems.joined(separator: "; ") }
}
