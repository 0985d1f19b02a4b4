import Foundation
import MarianneCore
import MarianneTestSupport

/// Loading scores in tests.
enum Scores {
    /// Every problem of `yaml` (relative paths from `base`).
    static func problems(_ yaml: String, base: String = "/tmp") -> [ScoreProblem] {
        ScoreLoader.check(yaml: yaml, baseDirectory: base).1
    }

    static func errors(_ yaml: String, base: String = "/tmp") -> [ScoreProblem] {
        problems(yaml, base: base).filter { $0.severity == .error }
    }

    static func load(_ yaml: String, base: String = "/tmp") throws -> LoadedScore {
        try ScoreLoader.load(yaml: yaml, baseDirectory: base, planning: true)
    }

    /// A minimal score with `extra` appended.
    static func with(_ extra: String) -> String {
        "name: t\nworkspace: ./ws\nprompt: {template: \"do {{ sheet_num }}\"}\n" + extra
    }
}
