import Foundation
import Testing
import Yams
@testable import MarianneCore

/// A score text submitted again is composed once; what it loads to never depends on whether
/// its tree came from the cache, on which thread, or on other texts kept beside it.
struct ComposedTreesTests {
    /// Values of every YAML 1.1 kind, duplicate-looking keys that are not duplicates, an
    /// anchor and its alias, and a merge: what the tags tell apart.
    static let score = """
        name: kinds
        workspace: ./ws
        prompt:
          template: "{{ a }} {{ b }} {{ c }} {{ d }} {{ e }} {{ f }} {{ g }} {{ h.x }} {{ i.y }}"
          variables:
            a: yes
            b: 0x1f
            c: 1.5e3
            d: ~
            e: "yes"
            f: 012
            g: .inf
            h: &base {x: 1, "1": one}
            i: {<<: *base, y: off}
        sheet: {size: 1, total_items: 2}
        """

    @Test func aTextLoadedAgainFromItsTreeLoadsTheSame() throws {
        let first = try Scores.load(Self.score)
        let again = try Scores.load(Self.score)
        #expect(again == first)
        let fresh = try Scores.load(Self.score + "\n")
        #expect(fresh.score == first.score)
        #expect(first.score.prompt.variables["a"] == .bool(true))
        #expect(first.score.prompt.variables["e"] == .string("yes"))
        #expect(first.score.prompt.variables["b"] == .int(31))
    }

    /// Many threads loading the same texts at once each get what a lone load gives.
    @Test func threadsLoadingOneTreeAtOnceAgree() async throws {
        let texts = (0..<3).map { Self.score.replacingOccurrences(of: "name: kinds", with: "name: kinds\($0)") }
        // Each expected value from a tree composed for it alone, never shared.
        let expected = try texts.map { try Scores.load($0 + "\n# alone") }
        let loaded = try await withThrowingTaskGroup(of: (Int, LoadedScore).self) { group in
            for n in 0..<48 {
                group.addTask { (n % 3, try Scores.load(texts[n % 3])) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(loaded.count == 48)
        for (index, score) in loaded { #expect(score.score == expected[index].score) }
    }

    /// A tree is shared only once every tag in it is resolved: from then on threads only read
    /// it (an unresolved tag is written on first use).
    @Test func aKeptTreeHasEveryTagResolved() throws {
        let trees = ComposedTrees()
        let root = try #require(try trees.root(of: Self.score) { try Yams.compose(yaml: $0, ScoreLoader.resolver, .default, .utf8) })
        var unresolved: [String] = []
        func visit(_ node: Node) {
            switch node {
            case .scalar(let scalar):
                if scalar.tag.description.isEmpty { unresolved.append(scalar.string) }
            case .mapping(let mapping):
                if mapping.tag.description.isEmpty { unresolved.append("a mapping") }
                for (key, value) in mapping { visit(key); visit(value) }
            case .sequence(let sequence):
                if sequence.tag.description.isEmpty { unresolved.append("a sequence") }
                for item in sequence { visit(item) }
            case .alias:
                break
            }
        }
        visit(root)
        #expect(unresolved.isEmpty, "unresolved: \(unresolved)")
    }

    /// A duplicate key is reported every time: a text that does not compose is not kept.
    @Test func aDuplicateKeyIsReportedEveryTime() {
        let duplicate = Scores.with("name: again\n")
        #expect(Scores.errors(duplicate).contains { $0.message.contains("duplicate key") })
        #expect(Scores.errors(duplicate).contains { $0.message.contains("duplicate key") })
    }

    /// A text is composed once while it is kept; a failure, a long text and the least
    /// recently used beyond the capacity are composed again.
    @Test func aTextIsComposedOnceWhileKeptAndTheCacheIsBounded() throws {
        struct Broken: Error {}
        let trees = ComposedTrees()
        var composed: [String] = []
        func root(_ text: String) throws -> Node? {
            try trees.root(of: text) { text in
                composed.append(text)
                if text.hasPrefix("broken") { throw Broken() }
                return try Yams.compose(yaml: text)
            }
        }
        _ = try root("a: 1")
        _ = try root("a: 1")
        #expect(composed == ["a: 1"])
        #expect(throws: Broken.self) { try root("broken: 1") }
        #expect(throws: Broken.self) { try root("broken: 1") }
        #expect(composed.filter { $0 == "broken: 1" }.count == 2)
        for n in 0..<ComposedTrees.capacity { _ = try root("n: \(n)") }
        #expect(trees.count == ComposedTrees.capacity)
        _ = try root("a: 1")
        #expect(composed.filter { $0 == "a: 1" }.count == 2, "the oldest text was dropped")
        let long = "x: \"" + String(repeating: "y", count: ComposedTrees.maxTextBytes) + "\""
        _ = try root(long)
        _ = try root(long)
        #expect(composed.filter { $0 == long }.count == 2)
        #expect(trees.count == ComposedTrees.capacity)
    }
}
