/// The known setting closest to a mistyped one, for "did you mean" in settings errors.
enum SettingSuggestion {
    static func closest(to key: String, in known: Set<String>) -> String? {
        let scored = known.map { ($0, distance(key.lowercased(), $0)) }.filter { $0.1 <= max(2, key.count / 3) }
        return scored.min { $0.1 == $1.1 ? $0.0 < $1.0 : $0.1 < $1.1 }?.0
    }

    /// Levenshtein distance of the first 100 characters.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.prefix(100)), b = Array(b.prefix(100))
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
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
