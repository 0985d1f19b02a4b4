import Foundation
import Yams

/// The YAML trees of the last few score texts composed, by their exact bytes: a score
/// submitted again and again (a batch of jobs from one file) is composed once. Composing
/// (with Yams's duplicate-key check, which resolves every key's tag through regular
/// expressions) was about a twelfth of the conductor's work per one-sheet job.
///
/// A composed tree is a value except for its tags: Yams resolves a tag lazily, writing it
/// into a shared `Tag` object the first time it is asked for. Every tag of a tree is
/// resolved here, on the composing thread, before the tree is shared; after that a tag is
/// only ever read, so the threads that parse the same tree at once never write to it.
/// Only texts up to `maxTextBytes` are kept, at most `capacity` of them.
final class ComposedTrees: @unchecked Sendable {
    static let shared = ComposedTrees()
    /// Texts kept at most (the least recently used goes first).
    static let capacity = 8
    /// Longer texts are composed every time.
    static let maxTextBytes = 64 * 1024

    private let lock = NSLock()
    private var entries: [(text: String, root: Node)] = []

    /// The tree of `text`, from the cache or composed by `compose` (which must be a pure
    /// function of the text). A text that does not compose is not kept.
    func root(of text: String, compose: (String) throws -> Node?) rethrows -> Node? {
        let size = text.utf8.count
        guard size <= Self.maxTextBytes else { return try compose(text) }
        if let hit = kept(text) { return hit }
        guard let root = try compose(text) else { return nil }
        Self.resolveTags(root)
        lock.withLock {
            entries.removeAll { $0.text.utf8.count == size && $0.text.utf8.elementsEqual(text.utf8) }
            entries.append((text, root))
            if entries.count > Self.capacity { entries.removeFirst() }
        }
        return root
    }

    /// The tree of `text` if it is kept (it then counts as the most recently used). Only
    /// texts that `root(of:compose:)` composed are kept: a caller that checks a text before
    /// composing it (`ScoreLoader` runs `YAMLGuard` first) knows a kept one passed.
    func kept(_ text: String) -> Node? {
        let size = text.utf8.count
        guard size <= Self.maxTextBytes else { return nil }
        return lock.withLock {
            guard let index = entries.firstIndex(where: { $0.text.utf8.count == size && $0.text.utf8.elementsEqual(text.utf8) }) else { return nil }
            let entry = entries.remove(at: index)
            entries.append(entry)
            return entry.root
        }
    }

    /// Resolves the tag of every node of the tree (reading `tag` resolves it).
    static func resolveTags(_ node: Node) {
        _ = node.tag
        switch node {
        case .scalar, .alias:
            break
        case .mapping(let mapping):
            for (key, value) in mapping {
                resolveTags(key)
                resolveTags(value)
            }
        case .sequence(let sequence):
            for item in sequence { resolveTags(item) }
        }
    }

    /// Texts kept now.
    var count: Int { lock.withLock { entries.count } }
}
