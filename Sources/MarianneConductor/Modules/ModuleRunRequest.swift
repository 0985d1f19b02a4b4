import Foundation
import MarianneProtocol

/// The config snapshot of a module job, kept in its checkpoint.
struct ModuleRunRequest: Codable, Sendable, Equatable {
    var moduleID: String
    var inputs: [String: JSONValue]
    var settings: [String: JSONValue]

    enum CodingKeys: String, CodingKey {
        case inputs, settings
        case moduleID = "module_id"
    }
}
