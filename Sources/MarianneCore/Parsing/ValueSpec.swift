/// The shape of a value in Marianne's score reference, for keys this project accepts and
/// ignores: they are still checked (types, ranges, unknown keys) as Marianne checks them, so
/// a score that Marianne refuses is refused here too, and no hostile number passes.
indirect enum ValueSpec: Sendable {
    case any
    case bool
    case string
    /// A list of strings.
    case strings
    case int(ClosedRange<Int>)
    /// A finite number; `above` makes the lower bound exclusive.
    case number(ClosedRange<Double>, above: Bool)
    case choice([String])
    /// The value may also be YAML null.
    case optional(ValueSpec)
    case list(ValueSpec)
    /// A mapping with these keys only; `required` must be present.
    case fields([String: ValueSpec], required: Set<String> = [])
    /// A mapping from any string key to values of one shape.
    case dictionary(ValueSpec)
    /// A mapping from sheet (or stage) numbers of at least 1 to values of one shape.
    case sheetMap(ValueSpec)

    static let anyNumber = ValueSpec.number(-ScoreLimits.maxMagnitude...ScoreLimits.maxMagnitude, above: false)
    static let positiveNumber = ValueSpec.number(0...ScoreLimits.maxMagnitude, above: true)
    static let seconds = ValueSpec.number(0...ScoreLimits.maxSeconds, above: false)
    static let positiveSeconds = ValueSpec.number(0...ScoreLimits.maxSeconds, above: true)
    static let fraction = ValueSpec.number(0...1, above: false)
    static let count = ValueSpec.int(0...ScoreLimits.maxCount)
    static let positiveCount = ValueSpec.int(1...ScoreLimits.maxCount)
    static let percent = ValueSpec.number(0...100, above: true)
}

/// A key of Marianne's score format this project reads but does not act on: W001 names it
/// and says what is ignored.
struct IgnoredKey: Sendable {
    var spec: ValueSpec
    /// What does not happen here, completing "KEY is ignored: ...".
    var reason: String

    init(_ spec: ValueSpec, _ reason: String) {
        self.spec = spec
        self.reason = reason
    }
}
