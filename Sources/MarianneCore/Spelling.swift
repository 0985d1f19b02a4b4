/// "Did you mean" for a mistyped name: the known name at the smallest edit distance.
public enum Spelling {
    /// The known name closest to `word` (at most a third of its length away, or 2), ties
    /// broken alphabetically; nil when none is that close.
    public static func closest(to word: String, in known: Set<String>) -> String? {
        let scored = known.map { ($0, distance(word, $0)) }.filter { $0.1 <= max(2, word.count / 3) }
        return scored.min { $0.1 == $1.1 ? $0.0 < $1.0 : $0.1 < $1.1 }?.0
    }

    /// Levenshtein distance of the first 200 characters.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.prefix(200)), b = Array(b.prefix(200))
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
