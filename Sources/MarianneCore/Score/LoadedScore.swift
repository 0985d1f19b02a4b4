import Foundation

/// One concrete sheet after expansion of size/total_items/fan_out.
public struct PlannedSheet: Sendable, Equatable {
    public var number: Int
    public var startItem: Int
    public var endItem: Int
    public var dependencies: [Int]
    /// The stage this sheet belongs to (equals `number` without fan-out).
    public var stage: Int
    /// 1-based instance within a fanned-out stage (1 without fan-out).
    public var instance: Int
    /// Number of instances of this sheet's stage (1 without fan-out).
    public var fanCount: Int

    public init(number: Int, startItem: Int, endItem: Int, dependencies: [Int], stage: Int, instance: Int = 1, fanCount: Int = 1) {
        self.number = number
        self.startItem = startItem
        self.endItem = endItem
        self.dependencies = dependencies
        self.stage = stage
        self.instance = instance
        self.fanCount = fanCount
    }
}

/// A validated score with its resolved paths and concrete sheet plan.
public struct LoadedScore: Sendable, Equatable {
    public var score: Score
    /// The YAML text it was loaded from (becomes the checkpoint's config snapshot).
    public var source: String
    /// Absolute path of the score file, when it came from one.
    public var path: String?
    /// Absolute workspace directory.
    public var workspace: String
    public var sheets: [PlannedSheet]
    /// Keys accepted but ignored (Marianne keys this project does not implement), and other warnings.
    public var warnings: [ScoreProblem]
    /// The directory relative paths in the score resolve against (the score file's real
    /// directory, or the base directory of inline content).
    public var scoreDirectory: String
    /// Why the score cannot run here (instruments this conductor does not run); empty when it
    /// can. `ScoreLoader.load` refuses such a score unless asked for a plan.
    public var runBlockers: [ScoreProblem] = []
    /// Stages (movements) before fan-out: Marianne's `total_stages` and `total_movements`.
    public let totalStages: Int
    /// The instruments the score was checked against: the conductor's (or the builtins) and
    /// the score folder's `.marianne/instruments/`.
    public var instruments: InstrumentCatalog = .builtin

    public init(
        score: Score, source: String, path: String?, workspace: String, sheets: [PlannedSheet], warnings: [ScoreProblem],
        scoreDirectory: String? = nil
    ) {
        self.scoreDirectory = scoreDirectory ?? path.map { ($0 as NSString).deletingLastPathComponent } ?? workspace
        self.totalStages = Set(sheets.map(\.stage)).count
        self.score = score
        self.source = source
        self.path = path
        self.workspace = workspace
        self.sheets = sheets
        self.warnings = warnings
    }


    /// The sheet with this number.
    public func sheet(_ number: Int) -> PlannedSheet? {
        guard number >= 1, number <= sheets.count, sheets[number - 1].number == number else {
            return sheets.first { $0.number == number }
        }
        return sheets[number - 1]
    }
}
