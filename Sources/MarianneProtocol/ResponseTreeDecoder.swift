import Foundation

/// The `Decoder` behind `ResponseDecoder`: each container reads the node it was given.
struct ResponseTreeDecoder: Decoder {
    let node: ResponseDecoder.Node
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = node else { throw ResponseDecoder.mismatch([String: Any].self, node, codingPath) }
        return KeyedDecodingContainer(ResponseKeyedReader<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = node else { throw ResponseDecoder.mismatch([Any].self, node, codingPath) }
        return ResponseUnkeyedReader(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        ResponseSingleReader(node: node, codingPath: codingPath)
    }
}
